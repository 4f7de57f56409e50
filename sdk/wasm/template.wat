;; template.wat — a Nexa WASM tool in the WebAssembly text format (stdlib S§5.2).
;;
;; The ABI: a WASI command. `_start` reads the call's arguments (one JSON object) from stdin and
;; writes its result (JSON) to stdout; proc_exit with a non-zero status is a failure (E104, with the
;; last line written to stderr). Only wasi_snapshot_preview1 functions may be imported.
;;
;; As it stands this template answers {"bytes": N}, the size of the arguments it received. Replace
;; the body of $handle with your tool. Build: nexa tool build template.wat -o my_tool.wasm
;;
;; Memory layout: 0–15 scratch for iovecs, 16–47 scratch for numbers, 64–1023 constant strings,
;; 65536… the arguments ($input, $input_length after $read_input).
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))

  (memory (export "memory") 2)

  (global $input i32 (i32.const 65536))
  (global $input_length (mut i32) (i32.const 0))

  (data (i32.const 64) "{\"bytes\":")          ;; 9 bytes
  (data (i32.const 80) "}")                     ;; 1 byte
  (data (i32.const 96) "could not read the arguments\n")  ;; 29 bytes

  ;; Write memory[ptr, ptr+len) to fd; stop with status 1 when the write fails (for example past
  ;; max_output_bytes).
  (func $write_to (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (if (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))
      (then (call $proc_exit (i32.const 1)))))

  (func $write (param $ptr i32) (param $len i32)
    (call $write_to (i32.const 1) (local.get $ptr) (local.get $len)))

  ;; Write the decimal digits of an unsigned number.
  (func $write_u32 (param $n i32)
    (local $at i32)
    (local.set $at (i32.const 48))
    (loop $digits
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $write (local.get $at) (i32.sub (i32.const 48) (local.get $at))))

  ;; Write a message to stderr and exit with status 1.
  (func $fail (param $ptr i32) (param $len i32)
    (call $write_to (i32.const 2) (local.get $ptr) (local.get $len))
    (call $proc_exit (i32.const 1)))

  ;; Read all of stdin to $input, growing memory as needed.
  (func $read_input
    (local $free i32)
    (loop $more
      ;; keep at least 4 KiB free after the input
      (local.set $free (i32.sub (i32.mul (memory.size) (i32.const 65536))
                                (i32.add (global.get $input) (global.get $input_length))))
      (if (i32.lt_u (local.get $free) (i32.const 4096))
        (then (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
                (then (call $fail (i32.const 96) (i32.const 29))))
              (local.set $free (i32.add (local.get $free) (i32.const 65536)))))
      (i32.store (i32.const 0) (i32.add (global.get $input) (global.get $input_length)))
      (i32.store (i32.const 4) (local.get $free))
      (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
        (then (call $fail (i32.const 96) (i32.const 29))))
      (global.set $input_length (i32.add (global.get $input_length) (i32.load (i32.const 8))))
      (br_if $more (i32.load (i32.const 8)))))

  ;; ---- your tool: the arguments are memory[$input, $input + $input_length) ----
  (func $handle
    (call $write (i32.const 64) (i32.const 9))
    (call $write_u32 (global.get $input_length))
    (call $write (i32.const 80) (i32.const 1)))

  (func (export "_start")
    (call $read_input)
    (call $handle))
)

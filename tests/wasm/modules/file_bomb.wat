;; file_bomb: creates big.txt in its first preopen (fd 4) and writes 64 KiB blocks to it forever.
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 100) "big.txt")
  (func (export "_start")
    (if (call $path_open (i32.const 4) (i32.const 0) (i32.const 100) (i32.const 7)
          (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 48))
      (then unreachable))
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const 65536))
    (loop $forever
      (drop (call $fd_write (i32.load (i32.const 48)) (i32.const 0) (i32.const 1) (i32.const 16)))
      (br $forever))))

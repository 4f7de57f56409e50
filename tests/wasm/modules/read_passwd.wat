;; read_passwd: path_open("etc/passwd") on fd 3, the sandbox's root; prints the errno it got.
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "etc/passwd")
  (func (export "_start")
    (i32.store8 (i32.const 200)
      (i32.add (i32.const 48) (call $path_open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 10)
        (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 50))))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))

;; one_big_write: writes 100,000 bytes of '7' in one fd_write, then returns normally.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 3)
  (func (export "_start")
    (memory.fill (i32.const 1024) (i32.const 55) (i32.const 100000))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 100000))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))

;; table_bomb: grows its table 64 elements at a time until table.grow fails, then gives up.
(module
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (func (export "_start")
    (loop $grow
      (if (i32.eq (table.grow (ref.null func) (i32.const 64)) (i32.const -1)) (then unreachable))
      (br $grow))))

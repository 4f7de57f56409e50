;; memory_bomb: grows memory 16 pages at a time until memory.grow fails, then gives up (unreachable).
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $grow
      (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable))
      (br $grow))))

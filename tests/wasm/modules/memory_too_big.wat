;; memory_too_big: declares 300 pages of initial memory.
(module
  (memory (export "memory") 300)
  (func (export "_start")))

;; table_too_big: declares a table of 5,000 elements.
(module
  (memory (export "memory") 1)
  (table 5000 funcref)
  (func (export "_start")))

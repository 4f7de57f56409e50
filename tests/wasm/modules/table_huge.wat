;; table_huge: starts with a table of 150,000 elements, more than a pool slot holds; does nothing.
(module
  (memory (export "memory") 1)
  (table 150000 funcref)
  (func (export "_start")))

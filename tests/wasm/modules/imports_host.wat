;; imports_host: imports a host function the sandbox does not give.
(module
  (import "env" "nexa_secret" (func $secret (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $secret))))

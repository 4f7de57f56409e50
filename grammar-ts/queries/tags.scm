; Tags (code navigation) for Nexa: `tree-sitter tags`, GitHub-style symbol search, editor symbol
; pickers. Each tag is @definition.<kind> or @reference.<kind> on the whole construct, with @name on
; its name and, for definitions, the `//` comment lines right above it as @doc.
;
; Kinds are the common ones, so that generic consumers know them:
;   agent -> class            tool, @tool fn, flow -> function     member fn, impl/trait fn -> method
;   protocol, trait -> interface    struct -> struct    enum -> enum    type alias -> type
;   job -> class (a named value with enqueue methods)
; References: calls (plain and method calls), DAG operands (a name on either side of a DAG
; operator, or in a list there, is run or read as an agent's reply), route stages and middleware
; (called per request), `spawn Name(…)`, `implements P`, `impl T for S`.

; ---------------------------------------------------------------- definitions

((comment)* @doc
 .
 (agent_declaration name: (identifier) @name) @definition.class
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.class))

((comment)* @doc
 .
 (tool_declaration name: (identifier) @name) @definition.function
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.function))

((comment)* @doc
 .
 (tool_function_declaration name: (identifier) @name) @definition.function
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.function))

((comment)* @doc
 .
 (flow_declaration name: (identifier) @name) @definition.function
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.function))

((comment)* @doc
 .
 (protocol_declaration name: (identifier) @name) @definition.interface
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.interface))

((comment)* @doc
 .
 (trait_declaration name: (identifier) @name) @definition.interface
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.interface))

((comment)* @doc
 .
 (struct_declaration name: (identifier) @name) @definition.struct
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.struct))

((comment)* @doc
 .
 (enum_declaration name: (identifier) @name) @definition.enum
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.enum))

((comment)* @doc
 .
 (type_declaration name: (identifier) @name) @definition.type
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.type))

((comment)* @doc
 .
 (job_declaration name: (identifier) @name) @definition.class
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.class))

((comment)* @doc
 .
 (function_declaration name: (identifier) @name) @definition.method
 (#strip! @doc "^//+ ?")
 (#select-adjacent! @doc @definition.method))

(function_signature name: (identifier) @name) @definition.method

; ---------------------------------------------------------------- references

(call_expression
  function: [
    (identifier) @name
    (member_expression member: (identifier) @name)
    (scoped_identifier name: (identifier) @name)
  ]) @reference.call

(dag_expression left: (identifier) @name) @reference.call
(dag_expression right: (identifier) @name) @reference.call
(dag_expression left: (list_literal element: (identifier) @name)) @reference.call
(dag_expression right: (list_literal element: (identifier) @name)) @reference.call

(route_target stage: (identifier) @name) @reference.call
(middleware_directive flow: (identifier) @name) @reference.call
(spawn_expression actor: (identifier) @name) @reference.call

(implements_clause protocol: (identifier) @name) @reference.implementation
(impl_declaration trait: (identifier) @name) @reference.implementation

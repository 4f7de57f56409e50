; Scopes, local definitions and references for Nexa (tree-sitter's locals convention:
; @local.scope, @local.definition, @local.reference). tree-sitter.json names this file as the
; grammar's locals query, so `tree-sitter highlight` and `tree-sitter tags` load it together with
; highlights.scm or tags.scm; both accept only these three capture names here. (Neovim 0.7's
; nvim-treesitter spelled them @scope, @definition.<kind> and @reference; an editor set-up that
; needs that spelling renames the captures, the patterns stay the same.)
;
; Nexa's scoping (spec §6.2) is by activation, not by block: `if`, loops, `try`, `match` and the
; harness blocks do NOT open a scope, so `block` is never a @local.scope here. A scope is the
; program, an agent (its members are visible unqualified in its member bodies), and every
; activation: flow, member function or impl method, @tool function, lambda, test, job handler.
;
; Only bindings are local definitions: parameters, assignments, `let`, loop variables, pattern
; bindings, `catch` names, fork branch names. Declarations (agents, flows, tools, …) are global
; (§6.1) and are tags (tags.scm), not locals: a reference to them must stay a reference, while
; `tree-sitter tags` drops references that resolve to a local definition.

; ---------------------------------------------------------------- scopes

[
  (source_file)
  (agent_declaration)
  (flow_declaration)
  (function_declaration)
  (tool_function_declaration)
  (lambda_expression)
  (test_declaration)
  (perform_clause)
  (failure_clause)
] @local.scope

; ---------------------------------------------------------------- parameters and variables

(parameter name: (identifier) @local.definition)
(perform_clause parameter: (identifier) @local.definition)
(failure_clause error: (identifier) @local.definition)
(failure_clause attempt: (identifier) @local.definition)

(let_statement pattern: (identifier) @local.definition)
(assignment_statement left: (identifier) @local.definition)
(for_statement pattern: (identifier) @local.definition)
(for_each_statement variable: (identifier) @local.definition)
(for_each_statement value: (identifier) @local.definition)
(match_arm pattern: (identifier) @local.definition)
(tuple_pattern element: (identifier) @local.definition)
(list_pattern element: (identifier) @local.definition)
(parenthesized_pattern pattern: (identifier) @local.definition)
(variant_pattern argument: (identifier) @local.definition)
(map_pattern_entry pattern: (identifier) @local.definition)
(rest_pattern name: (identifier) @local.definition)
(catch_clause name: (identifier) @local.definition)
(correction_clause name: (identifier) @local.definition)
(hook_statement name: (identifier) @local.definition)
(fork_branch name: (identifier) @local.definition)

; `{ name }` in a map pattern binds `name` to the value of key "name".
(map_pattern_entry . (identifier) @local.definition .)

; ---------------------------------------------------------------- references

; Fields that hold an expression wherever they occur.
(_ condition: (identifier) @local.reference)
(_ subject: (identifier) @local.reference)
(_ input: (identifier) @local.reference)
(_ consequence: (identifier) @local.reference)
(_ alternative: (identifier) @local.reference)
(_ function: (identifier) @local.reference)
(_ iterable: (identifier) @local.reference)
(_ index: (identifier) @local.reference)
(_ object: (identifier) @local.reference)
(_ guard: (identifier) @local.reference)
(_ expression: (identifier) @local.reference)
(_ operand: (identifier) @local.reference)
(_ message: (identifier) @local.reference)
(_ note: (identifier) @local.reference)
(_ snapshot: (identifier) @local.reference)
(_ task: (identifier) @local.reference)
(_ against: (identifier) @local.reference)
(_ url: (identifier) @local.reference)
(_ providers: (identifier) @local.reference)
(kv_declaration path: (identifier) @local.reference)

; Fields whose name is shared with non-expression positions, by parent.
(binary_expression left: (identifier) @local.reference)
(binary_expression right: (identifier) @local.reference)
(boolean_expression left: (identifier) @local.reference)
(boolean_expression right: (identifier) @local.reference)
(coalesce_expression left: (identifier) @local.reference)
(coalesce_expression right: (identifier) @local.reference)
(comparison_expression left: (identifier) @local.reference)
(comparison_expression right: (identifier) @local.reference)
(dag_expression left: (identifier) @local.reference)
(dag_expression right: (identifier) @local.reference)
(otherwise_expression left: (identifier) @local.reference)
(otherwise_expression right: (identifier) @local.reference)
(assignment_statement right: (identifier) @local.reference)
(argument_list argument: (identifier) @local.reference)
(list_literal element: (identifier) @local.reference)
(match_arm body: (identifier) @local.reference)
(intent_arm body: (identifier) @local.reference)
(case_arm value: (identifier) @local.reference)
(pair value: (identifier) @local.reference)
(keyword_argument value: (identifier) @local.reference)
(fallback_element value: (identifier) @local.reference)
(fork_branch value: (identifier) @local.reference)
(let_statement value: (identifier) @local.reference)
(member_assignment value: (identifier) @local.reference)
(print_statement value: (identifier) @local.reference)
(return_statement value: (identifier) @local.reference)
(raise_statement value: (identifier) @local.reference)
(defer_statement value: (identifier) @local.reference)
(await_expression value: (identifier) @local.reference)
(pass_statement actor: (identifier) @local.reference)
(spawn_expression actor: (identifier) @local.reference)
(expression_statement (identifier) @local.reference)

; Names of declarations used elsewhere: types, protocols, route and middleware flows, tools.
(named_type name: (identifier) @local.reference)
(generic_type name: (identifier) @local.reference)
(implements_clause protocol: (identifier) @local.reference)
(impl_declaration trait: (identifier) @local.reference)
(impl_declaration type: (identifier) @local.reference)
(scoped_identifier scope: (identifier) @local.reference)
(variant_pattern enum: (identifier) @local.reference)
(route_target stage: (identifier) @local.reference)
(middleware_directive flow: (identifier) @local.reference)
(use_list item: (dotted_name . (identifier) @local.reference .))

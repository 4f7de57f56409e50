; Syntax highlighting for Nexa.
;
; Capture names are the ones Neovim 0.7's highlighter (and nvim-treesitter of that time) maps to
; highlight groups; Helix, Zed and `tree-sitter highlight` understand them too. Predicates are
; limited to #match?, #not-match? and #any-of?, which Neovim 0.7 implements (#not-any-of? is avoided:
; py-tree-sitter 0.26 ignores it). #match? regexes use only `^ $ [] ( | )`, which Vim's very-magic
; regexes and Rust's regex crate read the same way.
;
; One node, one capture, as far as the query language allows. Editors disagree on which of two
; captures of the same node wins (Neovim and tree-sitter-highlight keep the last pattern, older
; Helix the first), so the patterns are disjoint: name-based refinements come in complementary
; pairs (#match? R / #not-match? R with the same R, or "^[A-Z]" / "^[a-z_]"). The single exception
; is a method call, whose member name the general member pattern matches too; its pattern comes
; last.
; tests/grammar/test_queries.py checks this on the whole corpus.
;
; The scheme: declared names that are PascalCase by convention (agents, protocols, structs, enums,
; traits, type aliases, jobs) are @type; flows, tools and @tool functions are @function; member
; functions and impl methods are @method; enum variants are @constant; property and config keys are
; @property; struct and protocol fields are @field.

; ---------------------------------------------------------------- literals and comments

(comment) @comment
(unterminated_comment) @comment ; a `/*` without `*/`: the rest of the file

(string) @string
(triple_string) @string
(raw_string) @string
(template_string) @string
(escape_sequence) @string.escape
(interpolation) @string.special

(integer) @number
(float) @float
[(true) (false)] @boolean
(none) @constant.builtin

; ---------------------------------------------------------------- keywords

["include" "import" "as"] @include

[
  "agent" "protocol" "struct" "enum" "trait" "impl" "type" "test" "job" "server"
  "db" "kv" "auth" "let" "uses" "implements" "mcp" "requires" "ensures" "map"
  "on" "perform" "on_failure"
  "static" "from" "cors" "middleware" "require_auth" "route" "semantic" "group"
  "return" "assert" "defer" "python!" "against" "fast_match" "satisfies" "intent"
  "spawn" "pass" "to" "receive" "snapshot" "restore" "fork" "merge"
  "with_context" "context_policy" "reflect" "verify" "unharnessed"
  "before_step" "after_step" "on_error" "before_tool" "after_tool"
] @keyword

(impl_declaration "for" @keyword)
(tool_declaration "tool" @keyword)

["flow" "fn"] @keyword.function

["and" "or" "not" "await"] @keyword.operator
(otherwise_expression operator: ["otherwise" "fallback"] @keyword.operator)

["if" "else" "match" "semantic_if"] @conditional

["while" "each" "in" "loop" "until" "autoloop"] @repeat
(for_statement "for" @repeat)
(for_each_statement "for" @repeat)
[(break_statement) (continue_statement)] @repeat

["try" "catch" "raise" "try_agent" "catch_correction"] @exception

["print"] @function.builtin
(db_declaration "connect" @function.builtin)
(kv_declaration "open" @function.builtin)
(auth_declaration "enable_auth" @function.builtin)

; ---------------------------------------------------------------- decorators

(decorator "@" @attribute name: (identifier) @attribute)
(tool_function_declaration "@" @attribute "tool" @attribute)
(decorator_argument name: (identifier) @parameter)

; ---------------------------------------------------------------- declarations

(agent_declaration name: (identifier) @type)
(protocol_declaration name: (identifier) @type)
(struct_declaration name: (identifier) @type)
(enum_declaration name: (identifier) @type)
(trait_declaration name: (identifier) @type)
(type_declaration name: (identifier) @type)
(job_declaration name: (identifier) @type)
(impl_declaration trait: (identifier) @type type: (identifier) @type)
(implements_clause protocol: (identifier) @type)

(tool_declaration name: (identifier) @function)
(tool_function_declaration name: (identifier) @function)
(flow_declaration name: (identifier) @function)
(function_declaration name: (identifier) @method)
(function_signature name: (identifier) @method)

(enum_variant name: (identifier) @constant)
(field_declaration name: (identifier) @field)
(protocol_field name: (identifier) @field)

(db_declaration name: (identifier) @variable)
(kv_declaration name: (identifier) @variable)
(auth_declaration name: (identifier) @variable)
(server_declaration port: (identifier) @variable)

(import_declaration module: (dotted_name) @namespace)
(import_declaration alias: (identifier) @namespace)

; `uses std.fs` names a namespace; `uses WebSearch` names a tool.
(use_list item: (dotted_name (identifier) (identifier)) @namespace)
(use_list item: (dotted_name . (identifier) @function .))

; Keys: agent properties, tool and job config entries (all `property` nodes), tool options, job
; options, harness parameters, dict keys and map-pattern keys.
(property key: (identifier) @property)
(member_assignment key: (identifier) @property)
(tool_option key: (identifier) @property)
(job_option key: (identifier) @property)
(harness_parameter name: (identifier) @property)
(pair key: (identifier) @property)
(map_pattern_entry key: (identifier) @property)
(fallback_element "fallback" @property)

; Bare words used as symbols (§3.1.4, §3.10, §4.15): `memory: persistent`, `risk_level: low`,
; `priority: high`, `strategy: sliding_window`, `merge vote`, a job queue named by a word.
(agent_body (property value: (identifier) @constant))
(tool_declaration property: (property value: (identifier) @constant))
(tool_option value: (identifier) @constant)
(job_option value: (identifier) @constant)
(job_declaration queue: (identifier) @constant)
(job_declaration property: (property value: (identifier) @constant))
(harness_parameter value: (identifier) @constant)
(fork_expression strategy: (identifier) @constant)

; ---------------------------------------------------------------- types

; Built-in type names (§3.8), then every other name: the same regex, matched and not matched.
((named_type name: (identifier) @type.builtin)
 (#match? @type.builtin "^(str|string|String|int|integer|Int|float|number|Float|bool|boolean|Bool|unit|list|array|List|dict|object|Dict|Map|any|Any|Option|Result)$"))
((named_type name: (identifier) @type)
 (#not-match? @type "^(str|string|String|int|integer|Int|float|number|Float|bool|boolean|Bool|unit|list|array|List|dict|object|Dict|Map|any|Any|Option|Result)$"))
((generic_type name: (identifier) @type.builtin)
 (#match? @type.builtin "^(list|array|List|dict|object|Dict|Map|Option|Result)$"))
((generic_type name: (identifier) @type)
 (#not-match? @type "^(list|array|List|dict|object|Dict|Map|Option|Result)$"))
(legacy_generic_type name: (identifier) @type argument: (identifier) @type)
(legacy_generic_type ["<" ">"] @punctuation.bracket)
(catch_clause kind: (identifier) @type)
(correction_clause kind: (identifier) @type)
(hook_statement kind: (identifier) @type)

; ---------------------------------------------------------------- bindings

(parameter name: (identifier) @parameter)
(perform_clause parameter: (identifier) @parameter)
(failure_clause error: (identifier) @parameter attempt: (identifier) @parameter)
(keyword_argument name: (identifier) @parameter)

(let_statement pattern: (identifier) @variable)
(assignment_statement left: (identifier) @variable)
(for_statement pattern: (identifier) @variable)
(for_each_statement variable: (identifier) @variable)
(for_each_statement value: (identifier) @variable)
(match_arm pattern: (identifier) @variable)
(tuple_pattern element: (identifier) @variable)
(list_pattern element: (identifier) @variable)
(parenthesized_pattern pattern: (identifier) @variable)
(variant_pattern argument: (identifier) @variable)
(map_pattern_entry pattern: (identifier) @variable)
(rest_pattern name: (identifier) @variable)
(catch_clause name: (identifier) @variable)
(correction_clause name: (identifier) @variable)
(hook_statement name: (identifier) @variable)
(fork_branch name: (identifier) @variable)

; ---------------------------------------------------------------- references

(variant_pattern enum: (identifier) @type variant: (identifier) @constant)
(scoped_identifier scope: (identifier) @type name: (identifier) @constant)

; A call of a capitalised name constructs a struct or a variant (`Some`, `Ok`, `Err`) or runs an
; agent; a prelude function (§6.5) is a builtin; anything else is a plain call.
((call_expression function: (identifier) @constructor)
 (#match? @constructor "^[A-Z]"))
((call_expression function: (identifier) @function.builtin)
 (#match? @function.builtin "^(input|exit|str|int|float|bool|len|abs|min|max|secret|img|join|old|json|html|text|redirect|status|channel|send|recv|recv_timeout|try_recv|close|select|await_task|try_await|cancel_task|parallel|race|after|schedule|cancel_schedule|sleep_ms|thread_count|parse_interval|render)$"))
((call_expression function: (identifier) @function.call)
 (#match? @function.call "^[a-z_]")
 (#not-match? @function.call "^(input|exit|str|int|float|bool|len|abs|min|max|secret|img|join|old|json|html|text|redirect|status|channel|send|recv|recv_timeout|try_recv|close|select|await_task|try_await|cancel_task|parallel|race|after|schedule|cancel_schedule|sleep_ms|thread_count|parse_interval|render)$"))

((identifier) @variable.builtin
 (#any-of? @variable.builtin "self" "std" "secrets" "runtime"))

; Member access: `Agent.run`, `v.dx`; then a method call, which must come after the general
; member pattern because it captures the same node (see the top of the file).
((member_expression object: (identifier) @type)
 (#match? @type "^[A-Z]"))
(member_expression member: (identifier) @property)
(call_expression
  function: (member_expression
    member: (identifier) @method))

; DAG operands and route stages: agents by convention capitalised, flows and functions not. A
; lowercase left operand is data (`draft >> Editor`), so it is left alone.
((dag_expression right: (identifier) @type)
 (#match? @type "^[A-Z]"))
((dag_expression right: (identifier) @function)
 (#match? @function "^[a-z_]"))
((dag_expression left: (identifier) @type)
 (#match? @type "^[A-Z]"))
((dag_expression right: (list_literal element: (identifier) @type))
 (#match? @type "^[A-Z]"))
((dag_expression left: (list_literal element: (identifier) @type))
 (#match? @type "^[A-Z]"))
((route_target stage: (identifier) @type)
 (#match? @type "^[A-Z]"))
((route_target stage: (identifier) @function)
 (#match? @function "^[a-z_]"))
((spawn_expression actor: (identifier) @type)
 (#match? @type "^[A-Z]"))
((spawn_expression actor: (identifier) @function)
 (#match? @function "^[a-z_]"))
(middleware_directive flow: (identifier) @function)

; ---------------------------------------------------------------- operators and punctuation

[
  "=" "==" "!=" "<=" ">=" "+" "-" "*" "/" "%" "??" "?" "->" "=>" "|" ".."
  ">>" "|>>" "||" "&>>" "&&" "|>"
] @operator
(comparison_expression operator: ["<" ">"] @operator)
(type_declaration "@" @punctuation.special)

["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," ";" "." ":" "::"] @punctuation.delimiter

(http_method) @constant
(wildcard_pattern) @variable.builtin

; Folds for Nexa: every construct with a body in braces or brackets that may span lines, and the
; multi-line literals (triple-quoted, template and python! strings, block comments). Neovim folds
; the lines a captured node spans (its first line stays visible); single-line nodes do not fold.

[
  (agent_body)
  (block)
  (tool_declaration)
  (protocol_declaration)
  (struct_declaration)
  (enum_declaration)
  (trait_declaration)
  (impl_declaration)
  (job_declaration)
  (server_body)
  (context_policy_statement)
  (match_expression)
  (case_block)
  (dict_literal)
  (list_literal)
  (argument_list)
  (parameter_list)
  (triple_string)
  (template_string)
  (comment)
] @fold

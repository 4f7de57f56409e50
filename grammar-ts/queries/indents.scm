; Indentation for Nexa, in the capture names of nvim-treesitter's indent module of Neovim 0.7's
; time: @indent (lines inside the node are indented one level more than its first line), @branch
; (the line starting with this node goes back to the level of the enclosing @indent; used for
; closing brackets), @ignore (lines inside keep the indentation the user gave them: string and
; comment contents), @auto (keep the previous line's indentation, for broken code).

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
  (job_options)
  (server_body)
  (context_policy_statement)
  (match_expression)
  (case_block)
  (dict_literal)
  (list_literal)
  (map_pattern)
  (list_pattern)
  (argument_list)
  (parameter_list)
  (decorator)
  (fork_expression)
] @indent

["}" "]" ")"] @branch

[
  (triple_string)
  (template_string)
  (comment)
] @ignore

(ERROR) @auto

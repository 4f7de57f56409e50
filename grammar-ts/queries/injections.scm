; Language injections for Nexa.
;
; `python! """…"""` embeds Python (§4.13): the content of the triple-quoted string is Python source.
; Two spellings of the same instruction, for two generations of editors:
;   - `@injection.content` with `injection.language` is the form of tree-sitter-highlight, Helix,
;     Zed and Neovim 0.9+;
;   - Neovim 0.7/0.8 read the pattern-level `language` property (set by `#set!`) and, finding it,
;     treat the remaining capture (whatever its name) as the content.
; The injected range is the string_content only, without the quotes, so the Python parser sees the
; code exactly as the runtime does (before dedenting).
;
; template"""…""" content (§1.6.6) is a Nexa-specific template language with no tree-sitter
; grammar; it is left as a string.

((python_statement
  code: (triple_string
    (string_content) @injection.content))
 (#set! injection.language "python")
 (#set! language "python"))


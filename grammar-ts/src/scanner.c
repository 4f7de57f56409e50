/**
 * External scanner for tree-sitter-nexa.
 *
 * The grammar is lexed by tree-sitter's own lexer; this scanner only adds two things the lexer
 * cannot do with one token of lookahead under ABI 14 (which has no reserved-word sets):
 *
 * 1. Declaration keywords in error recovery. With keyword extraction a reserved word is only a
 *    keyword where the parse state can use it; elsewhere it is lexed as an identifier. So after an
 *    unclosed `flow f {`, the text `agent B { … }` on a later line reads as the statements `agent`,
 *    `B` and a dict literal, and the error surfaces at the end of the file. This scanner returns the
 *    keyword token (`agent`, `tool`, `protocol`, `flow`, `struct`, `enum`, `trait`, `impl`,
 *    `include`, `import`) when the word starts a line and is followed by a name (or, for
 *    include/import, a string), even where the keyword is not valid. The parser then reports the
 *    error at that word and recovers by inserting the missing `}`, leaving the declaration intact.
 *    These words are reserved (spec §1.5.1), so no valid program uses them as a name in that shape;
 *    key positions (`x.flow`, `{agent: 1}`, `f(tool = 2)`) never match it.
 *
 * 2. A key that is also a binary operator (`fallback`, `otherwise`, `and`, `or`) directly after a
 *    value without a comma (spec §3.1.5: `model: "a"` newline `fallback: "b"`). The operator would
 *    continue the value's expression (§5.8), and only the `:` after the word tells them apart.
 *    Where a key may start, such a word followed by `:` (not `::`) is returned as `_operator_key`.
 *
 * Triple-quoted and template strings contain free text over several lines (prompts, `python!`
 * code with `import`); the grammar marks their content position with `_string_guard` so that the
 * scanner leaves it alone.
 */

#include "tree_sitter/parser.h"

#include <string.h>

enum TokenType {
  SCANNER_HOOK,    // listed in `extras` so that the scanner runs in every state; never returned
  ERROR_SENTINEL,  // never valid in the grammar: if it is, the parser is recovering from an error
  STRING_GUARD,    // valid only at the start of triple-quoted/template content; never returned
  OPERATOR_KEY,
  KEYWORD_AGENT,   // the keywords below, in the grammar's `externals` order
};

#define KEYWORD_COUNT 10
static const char *const KEYWORDS[KEYWORD_COUNT] = {
  "agent", "tool", "protocol", "flow", "struct", "enum", "trait", "impl", "include", "import",
};
#define LONGEST_WORD 9  // "otherwise"; longer words are never tokens of this scanner

void *tree_sitter_nexa_external_scanner_create(void) { return NULL; }

void tree_sitter_nexa_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_nexa_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_nexa_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static bool is_operator_word(const char *word) {
  return strcmp(word, "fallback") == 0 || strcmp(word, "otherwise") == 0 || strcmp(word, "and") == 0 ||
         strcmp(word, "or") == 0;
}

static bool is_word_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word_char(int32_t c) { return is_word_start(c) || (c >= '0' && c <= '9'); }

static bool is_line_break(int32_t c) { return c == '\n' || c == '\r'; }

static bool is_blank(int32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

bool tree_sitter_nexa_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  bool recovering = valid_symbols[ERROR_SENTINEL];
  if (valid_symbols[STRING_GUARD] && !recovering) return false;

  bool at_line_start = false;
  while (is_blank(lexer->lookahead) || is_line_break(lexer->lookahead)) {
    if (is_line_break(lexer->lookahead)) at_line_start = true;
    lexer->advance(lexer, true);
  }
  if (lexer->lookahead < 'a' || lexer->lookahead > 'z') return false;

  char word[LONGEST_WORD + 1];
  unsigned length = 0;
  while (is_word_char(lexer->lookahead)) {
    if (length == LONGEST_WORD) return false;
    word[length++] = (char)lexer->lookahead;
    lexer->advance(lexer, false);
  }
  word[length] = '\0';
  lexer->mark_end(lexer);

  if (is_operator_word(word)) {
    if (recovering || !valid_symbols[OPERATOR_KEY]) return false;
    while (is_blank(lexer->lookahead) || is_line_break(lexer->lookahead)) lexer->advance(lexer, false);
    if (lexer->lookahead != ':') return false;
    lexer->advance(lexer, false);
    if (lexer->lookahead == ':') return false;
    lexer->result_symbol = OPERATOR_KEY;
    return true;
  }

  for (int i = 0; i < KEYWORD_COUNT; i++) {
    if (strcmp(word, KEYWORDS[i]) != 0) continue;
    lexer->result_symbol = (TSSymbol)(KEYWORD_AGENT + i);
    if (valid_symbols[KEYWORD_AGENT + i]) return true;
    if (recovering || !at_line_start) return false;
    while (is_blank(lexer->lookahead)) lexer->advance(lexer, false);
    if (strcmp(word, "include") == 0 || strcmp(word, "import") == 0) {
      if (lexer->lookahead == '"' || lexer->lookahead == '\'') return true;
    }
    return is_word_start(lexer->lookahead);
  }
  return false;
}

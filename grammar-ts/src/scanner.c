/**
 * External scanner for tree-sitter-nexa: reserved words, and keys that are also operators.
 *
 * 1. Reserved words (spec §1.5.1). They are never identifiers, but any word may be a key (§1.4:
 *    property, config and dict keys, named arguments, field names, members after `.`). ABI 14 has
 *    no reserved-word sets: with keyword extraction a word is a keyword only where the parser can
 *    use it, and an identifier everywhere else. Then, after an unclosed `flow f {`, the line
 *    `agent B { … }` reads as the statements `agent`, `B` and a dict, and `x = f()? and g()` as
 *    three statements, all without a syntax error. So this scanner lexes the reserved words
 *    (except the literals `true false none null`, which the grammar's own lexer keeps) and `_`:
 *    it returns the keyword where the parser can use it, and also where it cannot, unless a key
 *    may stand there (the grammar marks those places with `_key_marker`). A keyword the parser
 *    cannot use is a syntax error at that word; the parser recovers there, e.g. by inserting the
 *    missing `}` before `agent`, which keeps the following declarations intact. Where a key may
 *    stand, a word that starts a top-level item is still its keyword when it begins a line and a
 *    name (or, for include/import, a string) follows: `agent B {` after an agent body that lacks
 *    its `}` is the next declaration, not a property `agent`.
 *
 * 2. A key that is also a binary operator (`fallback`, `otherwise`, `and`, `or`) directly after a
 *    value without a comma (§3.1.5: `model: "a"` newline `fallback: "b"`). The operator would
 *    continue the value's expression (§5.8), and only the `:` after the word tells them apart.
 *    Where a key may start, such a word followed by `:` (not `::`) is returned as `_operator_key`.
 *
 * String content is left alone: the grammar marks the positions inside strings with
 * `_string_guard`. During error recovery (every symbol valid) a reserved word is its keyword.
 */

#include "tree_sitter/parser.h"

#include <string.h>

enum TokenType {
  SCANNER_HOOK,    // in `extras`, so the scanner runs in every state; never returned
  ERROR_SENTINEL,  // used nowhere in the grammar: when it is valid, the parser is recovering
  STRING_GUARD,    // valid inside strings; never returned
  KEY_MARKER,      // valid where a key (any word) may stand; never returned
  OPERATOR_KEY,
  FIRST_KEYWORD,   // the keywords below, in the order of SCANNED_KEYWORDS in grammar.js
};

static const char *const KEYWORDS[] = {
  "agent", "tool", "protocol", "flow", "fn", "let", "struct", "enum", "trait", "impl", "include",
  "import",
  "if", "else", "for", "each", "in", "while", "loop", "until", "break", "continue", "return",
  "match", "try", "catch", "raise", "assert", "defer", "semantic_if",
  "and", "or", "not", "otherwise", "fallback", "await",
  "print", "spawn", "pass", "receive", "snapshot", "restore", "fork", "requires", "ensures",
  "autoloop", "with_context", "context_policy", "try_agent", "catch_correction", "reflect", "verify",
  "unharnessed", "before_step", "after_step", "on_error", "before_tool", "after_tool",
};
#define KEYWORD_COUNT (sizeof KEYWORDS / sizeof KEYWORDS[0])
#define WILDCARD (FIRST_KEYWORD + KEYWORD_COUNT)  // `_`, after the keywords in `externals`
#define FIRST_FILE_KEYWORD 10  // include, import
#define LONGEST_WORD 16  // "catch_correction"; a longer word is an identifier

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

static bool is_word_char(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_operator_word(const char *word) {
  return strcmp(word, "fallback") == 0 || strcmp(word, "otherwise") == 0 || strcmp(word, "and") == 0 ||
         strcmp(word, "or") == 0;
}

// agent tool protocol flow struct enum trait impl include import (not fn, let).
static bool starts_top_level_item(int keyword) { return keyword <= 11 && keyword != 4 && keyword != 5; }

static int keyword_index(const char *word) {
  for (unsigned i = 0; i < KEYWORD_COUNT; i++) {
    if (strcmp(word, KEYWORDS[i]) == 0) return (int)i;
  }
  return -1;
}

bool tree_sitter_nexa_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  bool recovering = valid_symbols[ERROR_SENTINEL];
  if (valid_symbols[STRING_GUARD] && !recovering) return false;

  bool at_line_start = false;
  while (is_space(lexer->lookahead)) {
    if (lexer->lookahead == '\n' || lexer->lookahead == '\r') at_line_start = true;
    lexer->advance(lexer, true);
  }
  if ((lexer->lookahead < 'a' || lexer->lookahead > 'z') && lexer->lookahead != '_') return false;

  char word[LONGEST_WORD + 1];
  unsigned length = 0;
  while (is_word_char(lexer->lookahead)) {
    if (length == LONGEST_WORD) return false;
    word[length++] = (char)lexer->lookahead;
    lexer->advance(lexer, false);
  }
  word[length] = '\0';
  if (strcmp(word, "_") == 0) {
    lexer->mark_end(lexer);
    lexer->result_symbol = WILDCARD;
    return valid_symbols[WILDCARD] || recovering || !valid_symbols[KEY_MARKER];
  }
  int keyword = keyword_index(word);
  if (keyword < 0) return false;
  lexer->mark_end(lexer);

  if (!recovering && valid_symbols[OPERATOR_KEY] && is_operator_word(word)) {
    while (is_space(lexer->lookahead)) lexer->advance(lexer, false);
    if (lexer->lookahead == ':') {
      lexer->advance(lexer, false);
      if (lexer->lookahead != ':') {
        lexer->result_symbol = OPERATOR_KEY;
        return true;
      }
    }
  }

  TSSymbol symbol = (TSSymbol)(FIRST_KEYWORD + keyword);
  lexer->result_symbol = symbol;
  if (valid_symbols[symbol] || recovering || !valid_symbols[KEY_MARKER]) return true;
  // A key may stand here, so the word is a key, unless it starts a line the way a declaration
  // does (`agent Name`, `include "x"`): after an agent body that lacks its `}`, the next
  // declaration begins where a property key could.
  if (!at_line_start || !starts_top_level_item(keyword)) return false;
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t') lexer->advance(lexer, false);
  if (lexer->lookahead == '"' || lexer->lookahead == '\'') return keyword >= FIRST_FILE_KEYWORD;
  return (lexer->lookahead >= 'a' && lexer->lookahead <= 'z') || (lexer->lookahead >= 'A' && lexer->lookahead <= 'Z') ||
         lexer->lookahead == '_';
}

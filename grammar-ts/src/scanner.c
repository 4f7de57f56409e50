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
 * 3. A block comment that is never closed: from its opening slash-star to the end of the file, one
 *    `unterminated_comment` token, which no rule uses, so the parser reports an error there instead
 *    of reading the comment's words as code.
 *
 * 4. A `#` outside strings (no comment in Nexa): the rest of the line, one `hash_line` token that
 *    no rule uses, so a Python-style `# note` is one error and its words are not read as code.
 *
 * String content is left alone: the grammar marks the positions inside strings with
 * `_string_guard`. During error recovery (every symbol valid) a reserved word is its keyword.
 *
 * Speed: the scanner runs before the grammar's lexer at nearly every token (the keywords are valid
 * in most states anyway; the hook adds the rest). When it returns false the lexer starts again
 * from the token's start, so all it reads is read twice. It therefore stops reading a word at the
 * first character that no reserved word continues with (`result` is given up after `resu`, `Name`
 * at once) instead of reading the whole word and comparing it with every keyword.
 */

#include "tree_sitter/alloc.h"
#include "tree_sitter/parser.h"

#include <stdint.h>
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

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
#define UNTERMINATED_COMMENT (WILDCARD + 1)      // `/*` without `*/`: valid nowhere, so an error
#define HASH_LINE (WILDCARD + 2)                 // `#` outside strings to end of line: valid nowhere
#define UNCLOSED_TEST_NAME (WILDCARD + 3)        // `test "name {` without its closing quote
#define FIRST_FILE_KEYWORD 10  // include, import

// A keyword candidate set is a 64-bit mask over KEYWORDS, plus one bit for `_`.
_Static_assert(sizeof KEYWORDS / sizeof KEYWORDS[0] < 64, "too many keywords for a uint64_t set");

// The scanner's only data, computed once per parser: for each first letter `a`…`z` (and `_` at
// index 26), the keywords that start with it, as a bit set over the indexes of KEYWORDS (bit
// KEYWORD_COUNT: `_`). Nothing is serialized.
typedef struct {
  uint64_t first_letter[27];
} Scanner;

void *tree_sitter_nexa_external_scanner_create(void) {
  Scanner *scanner = ts_calloc(1, sizeof(Scanner));
  for (unsigned k = 0; k < KEYWORD_COUNT; k++) {
    scanner->first_letter[KEYWORDS[k][0] - 'a'] |= (uint64_t)1 << k;
  }
  scanner->first_letter[26] = (uint64_t)1 << KEYWORD_COUNT;
  return scanner;
}

void tree_sitter_nexa_external_scanner_destroy(void *payload) { ts_free(payload); }

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

// agent tool protocol flow struct enum trait impl include import (not fn, let).
static bool starts_top_level_item(int keyword) { return keyword <= 11 && keyword != 4 && keyword != 5; }

// fallback otherwise and or: keys that are also binary operators.
static bool is_operator_word(int keyword) { return keyword >= 30 && keyword <= 34 && keyword != 32; }

// The index of the lowest set bit of a non-empty set.
static unsigned lowest_bit(uint64_t set) {
#if defined(_MSC_VER) && !defined(__clang__)
  unsigned long index;
  _BitScanForward64(&index, set);
  return (unsigned)index;
#else
  return (unsigned)__builtin_ctzll(set);
#endif
}

// Reads the word at the lookahead as long as it can still be a reserved word (or `_`): the index of
// the keyword it is (KEYWORD_COUNT for `_`), or -1 as soon as it cannot be one, without reading the
// rest of the word (the grammar's own lexer reads it again from its start anyway).
static int scan_keyword(const Scanner *scanner, TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  uint64_t candidates;
  if (c >= 'a' && c <= 'z') {
    candidates = scanner->first_letter[c - 'a'];
  } else if (c == '_') {
    candidates = scanner->first_letter[26];
  } else {
    return -1;
  }
  unsigned length = 0;
  while (candidates != 0) {
    lexer->advance(lexer, false);
    length++;
    c = lexer->lookahead;
    if (!is_word_char(c)) {
      // The word ends here: a candidate of exactly this length is the keyword.
      for (uint64_t rest = candidates; rest != 0; rest &= rest - 1) {
        unsigned k = lowest_bit(rest);
        if (k == KEYWORD_COUNT) return (int)k;
        if (KEYWORDS[k][length] == '\0') return (int)k;
      }
      return -1;
    }
    uint64_t next = 0;
    for (uint64_t rest = candidates; rest != 0; rest &= rest - 1) {
      unsigned k = lowest_bit(rest);
      if (k < KEYWORD_COUNT && KEYWORDS[k][length] == (char)c) next |= (uint64_t)1 << k;
    }
    candidates = next;
  }
  return -1;
}

// 3. (grammar decision G15) Called at a `/`. A closed comment is left to the grammar's lexer, which
// reads it again: each block comment is read twice, a division operator costs one extra character.
static bool scan_unterminated_comment(TSLexer *lexer) {
  lexer->advance(lexer, false);
  if (lexer->lookahead != '*') return false;
  lexer->advance(lexer, false);
  while (!lexer->eof(lexer)) {
    bool star = lexer->lookahead == '*';
    lexer->advance(lexer, false);
    if (star && lexer->lookahead == '/') return false;
  }
  lexer->mark_end(lexer);
  lexer->result_symbol = UNTERMINATED_COMMENT;
  return true;
}

// 4. (grammar decision G17) Called at a `#` outside strings. `#` is no comment (§1.3) and no token
// of the language, but users coming from Python or shell write `# note`. The whole rest of the line
// is one token that no rule uses, so the parser reports one error there and the note's words are not
// read as code.
static bool scan_hash_line(TSLexer *lexer) {
  while (!lexer->eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
    lexer->advance(lexer, false);
  }
  lexer->mark_end(lexer);
  lexer->result_symbol = HASH_LINE;
  return true;
}

// 5. (grammar decision G23) Called at a quote where a test's name may stand. A name whose line has
// no closing quote would take the `{` after it and run into the body, so the test was lost. The
// token is the line from the quote, without a last `{` (and the spaces before it), which then opens
// the body. A closed string on the line is left to the grammar's lexer.
static bool scan_unclosed_test_name(TSLexer *lexer) {
  int32_t quote = lexer->lookahead;
  lexer->advance(lexer, false);
  lexer->mark_end(lexer);
  while (!lexer->eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
    int32_t c = lexer->lookahead;
    if (c == quote) return false;
    lexer->advance(lexer, false);
    if (c == '\\' && !lexer->eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
      lexer->advance(lexer, false);
    } else if (c == '{' || is_space(c)) {
      continue;  // the end stays before a `{` that nothing but spaces follows
    }
    lexer->mark_end(lexer);
  }
  lexer->result_symbol = UNCLOSED_TEST_NAME;
  return true;
}

bool tree_sitter_nexa_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  bool recovering = valid_symbols[ERROR_SENTINEL];
  if (valid_symbols[STRING_GUARD] && !recovering) return false;

  bool at_line_start = false;
  while (is_space(lexer->lookahead)) {
    if (lexer->lookahead == '\n' || lexer->lookahead == '\r') at_line_start = true;
    lexer->advance(lexer, true);
  }
  if (lexer->lookahead == '/') return scan_unterminated_comment(lexer);
  if (lexer->lookahead == '#') return scan_hash_line(lexer);
  if ((lexer->lookahead == '"' || lexer->lookahead == '\'') && valid_symbols[UNCLOSED_TEST_NAME] && !recovering) {
    return scan_unclosed_test_name(lexer);
  }
  int keyword = scan_keyword(payload, lexer);
  if (keyword < 0) return false;
  lexer->mark_end(lexer);
  if (keyword == (int)KEYWORD_COUNT) {
    lexer->result_symbol = WILDCARD;
    return valid_symbols[WILDCARD] || recovering || !valid_symbols[KEY_MARKER];
  }

  if (!recovering && valid_symbols[OPERATOR_KEY] && is_operator_word(keyword)) {
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

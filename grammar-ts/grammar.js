/**
 * tree-sitter grammar for Nexa, the agent-programming language.
 *
 * Follows ../shared/spec/nexa-language.md section by section (cited as §n, decisions as Dnn).
 * The concrete syntax tree is the API of the whole suite: every part a tool reads has a field name.
 */

// One table, loosest first, as in the spec's §5.1 (D30).
const PREC = {
  try: 1, // postfix `?`
  orelse: 2, // otherwise, fallback (right)
  branch: 3, // `??` coalesce and semantic branch (left)
  or: 4,
  and: 5,
  not: 6,
  compare: 7, // non-associative in the spec; see comparison_expression
  dag: 8, // >> |>> || &>> && |>
  add: 9,
  mul: 10,
  unary: 11, // prefix `-`, await
  postfix: 12, // .name (args) [index]
};

const DAG_OPERATORS = ['>>', '|>>', '||', '&>>', '&&', '|>'];

// Reserved words that can start an expression (§5.2, §5.4); where a key may stand at the same place
// (named arguments), they are lexed as these keywords and must be accepted as names explicitly
// (`true` and `false` too, which are rules of their own, and the top-level words below).
const EXPRESSION_KEYWORDS = [
  'not', 'await', 'fn', 'match', 'semantic_if', 'print', 'spawn', 'fork', 'snapshot', 'receive',
  'none', 'null',
];

// Words that are keywords only at top level (§1.5.2). Elsewhere they are plain names, so the
// expression and assignment rules accept them aliased to identifier (Appendix A.5).
const TOP_LEVEL_WORDS = ['type', 'test', 'job', 'server', 'db', 'kv', 'auth'];

/** `list(X)` of the spec: comma separated, possibly empty, trailing comma allowed. */
function commaSep(rule) {
  return optional(commaSep1(rule));
}

/** `list1(X)`: at least one element. */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

/** `sep(X)`: elements optionally separated by commas (newlines are enough). */
function looseSep(rule) {
  return repeat(seq(rule, optional(',')));
}

// Reserved keywords (§1.5.1): never identifiers, but allowed in key positions (§1.4). ABI 14 has
// no reserved-word sets, so src/scanner.c lexes these words (the literals excepted) and returns the
// keyword even where the parser cannot use it, unless a key may stand there. KEEP THIS LIST IN THE
// ORDER OF `KEYWORDS` IN src/scanner.c.
const SCANNED_KEYWORDS = [
  'agent', 'tool', 'protocol', 'flow', 'fn', 'let', 'struct', 'enum', 'trait', 'impl', 'include',
  'import',
  'if', 'else', 'for', 'each', 'in', 'while', 'loop', 'until', 'break', 'continue', 'return',
  'match', 'try', 'catch', 'raise', 'assert', 'defer', 'semantic_if',
  'and', 'or', 'not', 'otherwise', 'fallback', 'await',
  'print', 'spawn', 'pass', 'receive', 'snapshot', 'restore', 'fork', 'requires', 'ensures',
  'autoloop', 'with_context', 'context_policy', 'try_agent', 'catch_correction', 'reflect', 'verify',
  'unharnessed', 'before_step', 'after_step', 'on_error', 'before_tool', 'after_tool',
];
const RESERVED_WORDS = [...SCANNED_KEYWORDS, 'true', 'false', 'none', 'null', '_'];

/**
 * The `#{path}` token of a string quoted with `quote` (§1.6.3):
 * `IDENT ( '.' WORD | '[' INT ']' | '[' IDENT ']' | '[' STRING ']' )*`, spaces around it ignored,
 * `#{}` allowed. With `reserved`, the same shape whose head is a reserved word.
 */
function interpolation(quote, reserved) {
  const other = quote === '"' ? '\'' : '"';
  const path = seq(
    reserved ? choice(...RESERVED_WORDS) : /[A-Za-z_][A-Za-z0-9_]*/,
    repeat(choice(
      /\.[A-Za-z_][A-Za-z0-9_]*/,
      /\[[0-9]+\]/,
      /\[[A-Za-z_][A-Za-z0-9_]*\]/,
      seq('[', other, new RegExp(`[^${other}\\n\\r]*`), other, ']'),
    )),
    /[ \t]*/,
  );
  return token.immediate(prec(reserved ? 4 : 3, seq(
    '#{', /[ \t]*/, reserved ? path : optional(path), '}',
  )));
}

module.exports = grammar({
  name: 'nexa',

  extras: $ => [/\s/, $.comment, $._scanner_hook],

  // src/scanner.c: see the comment at its top. Only `_operator_key`, the keywords, `_` and
  // `unterminated_comment` are ever returned. The hook (an extra, so valid everywhere) makes the
  // scanner run in every state; `_string_guard` and `_key_marker` are never returned either, they
  // only tell the scanner where it is: at string content, or where a key may stand.
  externals: $ => [
    $._scanner_hook,
    $._error_sentinel,
    $._string_guard,
    $._key_marker,
    $._operator_key,
    // `break` and `continue` are whole statements, so the scanner returns those nodes directly.
    ...SCANNED_KEYWORDS.map(word => ({break: $.break_statement, continue: $.continue_statement})[word] ?? word),
    // `_` (§1.4): the wildcard pattern, never an identifier outside key positions.
    $.wildcard_pattern,
    // `/*` without `*/` up to the end of the file (G15); used by no rule, so always a syntax error.
    $.unterminated_comment,
    // `#` outside strings up to the end of the line (G17): no comment in Nexa, so always an error.
    $.hash_line,
    // A test name whose closing quote is missing (G23): its line from the quote, without a last `{`.
    $._unclosed_test_name,
  ],

  word: $ => $.identifier,

  // Parse speed: without these, every operand is reduced three times on its own (`_primary`, then
  // `_orelse_operand`, then `_expression`), a third of all reductions. (`_operand` stays a rule: as
  // an inline rule it changes error recovery, see errors.txt "A branch cannot be followed by ??".)
  inline: $ => [$._orelse_operand, $._primary],

  supertypes: $ => [$._declaration, $._statement, $._expression, $._pattern, $._type],

  conflicts: $ => [
    // `requires {` in a flow header: a dict condition, or (recovery, G18) the body after a
    // contract whose condition is not typed yet; the next tokens decide.
    [$.contract_clause, $._unfinished_contract],
    // `restore(s) if cond` (guarded restore) versus `restore(s)` followed by an if statement on
    // the next line: an `if` whose condition is followed by a block is the statement.
    [$.restore_statement],
    // `uses A, B` inside an agent body: a comma continues the list or ends the member
    // (`uses A,` followed by `model: …`); the next tokens decide.
    [$.use_list],
    // A type as an agent property value (`output_type: dict[str, int]`, `input_type: A | B`, G16):
    // the parser tries the expression and the type; only one of them survives the next tokens.
    [$.generic_type, $._or_operand],
    // `if x: {` (G26): the `{` opens the block after a Python colon, or starts a dict statement in a
    // colon block; only one of them survives the next tokens.
    [$._colon_block, $.dict_literal],
    // `context_policy { a: 1` (G27): a word after a parameter is the next parameter, or (recovery,
    // `}` not typed yet) the next statement; the next tokens decide.
    [$.context_policy_statement],
  ],

  rules: {
    source_file: $ => repeat(choice($._declaration, $._statement, ';')),

    // ------------------------------------------------------------------ §1 lexical structure

    comment: _ => token(choice(
      seq('//', /[^\n\r]*/),
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
    )),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    integer: _ => /[0-9]+/,
    float: _ => token(choice(
      /[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?/,
      /[0-9]+[eE][+-]?[0-9]+/,
    )),
    true: _ => 'true',
    false: _ => 'false',
    none: _ => choice('none', 'null'),

    // "…" and '…': escapes and #{path} interpolation (§1.6.1–1.6.3, D02, D03).
    string: $ => choice(
      seq('"', repeat(choice(
        alias($._double_string_content, $.string_content),
        alias($._double_literal_interpolation, $.string_content),
        $.escape_sequence,
        alias($._double_interpolation, $.interpolation),
        $._string_guard,
      )), token.immediate('"')),
      seq('\'', repeat(choice(
        alias($._single_string_content, $.string_content),
        alias($._single_literal_interpolation, $.string_content),
        $.escape_sequence,
        alias($._single_interpolation, $.interpolation),
        $._string_guard,
      )), token.immediate('\'')),
    ),
    // Precedence 1 beats `//` comments inside strings; a lone `#` that does not start a valid
    // interpolation is plain text (§1.6.3).
    _double_string_content: _ => token.immediate(prec(1, choice(/[^"\\#\n\r]+/, '#'))),
    _single_string_content: _ => token.immediate(prec(1, choice(/[^'\\#\n\r]+/, '#'))),
    escape_sequence: _ => token.immediate(prec(2, /\\(u[0-9a-fA-F]{4}|[^\n\r])/)),
    // `#{path}` only for a valid path; anything else is kept as text. One token, so the path text
    // is the node's text minus `#{` and `}` (§1.6.3 grammar note). A string ends at its first
    // unescaped quote, so a `[STRING]` key inside the path uses the other quote kind.
    _double_interpolation: _ => interpolation('"', false),
    _single_interpolation: _ => interpolation('\'', false),
    // A path that starts with a reserved word (`#{agent.name}`, `#{_}`) is literal text (§1.6.3):
    // the same length as the interpolation token, and the higher precedence wins.
    _double_literal_interpolation: _ => interpolation('"', true),
    _single_literal_interpolation: _ => interpolation('\'', true),

    // """…""": verbatim up to the first following """ (§1.6.4). `_string_guard` (never produced)
    // keeps the scanner away from the content: prompts and python! code mention reserved words.
    triple_string: $ => seq(
      '"""',
      optional(choice(alias($._triple_content, $.string_content), $._string_guard)),
      token.immediate('"""'),
    ),
    _triple_content: _ => token.immediate(prec(1, /([^"]|"[^"]|""[^"])+/)),

    // r"…" / r'…': verbatim, one line (§1.6.4).
    raw_string: _ => token(choice(/r"[^"\n\r]*"/, /r'[^'\n\r]*'/)),

    // template"""…""": the content is a template (§1.6.6); the server parses it separately.
    template_string: $ => seq(
      'template"""',
      optional(choice(alias($._triple_content, $.template_content), $._string_guard)),
      token.immediate('"""'),
    ),

    _string_literal: $ => choice($.string, $.triple_string, $.raw_string),
    // `string_lit = STRING | TSTRING` (§4.6): labels and conditions judged by the model. TSTRING,
    // which the spec does not define, is the triple-quoted string (`python_stmt` takes one, §4.13).
    _string_lit: $ => choice($.string, $.triple_string),

    // ------------------------------------------------------------------ §2 program structure

    _declaration: $ => choice(
      $.include_declaration,
      $.import_declaration,
      $.agent_declaration,
      $.tool_declaration,
      $.tool_function_declaration,
      $.protocol_declaration,
      $.flow_declaration,
      $.test_declaration,
      $.type_declaration,
      $.struct_declaration,
      $.enum_declaration,
      $.trait_declaration,
      $.impl_declaration,
      $.job_declaration,
      $.server_declaration,
      $.db_declaration,
      $.kv_declaration,
      $.auth_declaration,
    ),

    include_declaration: $ => seq('include', field('path', $._string_literal)),

    import_declaration: $ => seq(
      'import',
      field('module', choice($.dotted_name, $._string_literal)),
      optional(seq('as', field('alias', $.identifier))),
    ),

    // `mcp` is a keyword only in `mcp:"…"` (§1.5.2); `uses mcp` names a tool called mcp.
    dotted_name: $ => seq(
      choice($.identifier, alias('mcp', $.identifier)),
      repeat(seq('.', $._word)),
    ),

    // ------------------------------------------------------------------ §3.1 agent

    agent_declaration: $ => seq(
      repeat(field('decorator', $.decorator)),
      'agent',
      field('name', $.identifier),
      repeat(field('clause', $._agent_clause)),
      field('body', $.agent_body),
    ),

    decorator: $ => seq(
      '@',
      field('name', $.identifier),
      '(',
      commaSep(field('argument', $.decorator_argument)),
      ')',
    ),
    decorator_argument: $ => seq(field('name', $._word), '=', field('value', $._literal)),

    _agent_clause: $ => choice(
      $.return_type_clause,
      $.uses_clause,
      $.implements_clause,
      $.contract_clause,
    ),

    // `-> T`, or the legacy `-> Name<Inner>` (W003).
    return_type_clause: $ => seq('->', field('type', choice($._type, $.legacy_generic_type))),
    legacy_generic_type: $ => seq(
      field('name', $.identifier), '<', field('argument', $.identifier), '>',
    ),

    uses_clause: $ => seq('uses', field('list', $.use_list)),
    implements_clause: $ => seq('implements', field('protocol', $.identifier)),
    contract_clause: $ => seq(
      field('kind', choice('requires', 'ensures')),
      field('condition', $._expression),
    ),

    use_list: $ => choice(
      seq('[', commaSep1(field('item', $._use_item)), ']'),
      seq(field('item', $._use_item), repeat(seq(',', field('item', $._use_item)))),
    ),
    _use_item: $ => choice($.dotted_name, $._string_literal, $.mcp_use),
    mcp_use: $ => seq('mcp', ':', field('uri', $._string_literal)),

    agent_body: $ => seq('{', repeat($._agent_member), '}'),

    _agent_member: $ => choice(
      $.property,
      $.member_assignment,
      $.uses_member,
      $.function_declaration,
      $.flow_declaration,
      $.let_statement,
      ';',
    ),

    // `key: value`, and the colon-less `key literal` (§3.1.1). Commas between members optional.
    property: $ => seq(
      field('key', $._property_key),
      choice(
        seq(':', field('value', choice($._expression, $._property_type))),
        field('value', $._literal),
      ),
      optional(','),
    ),
    // `input_type: A | B`, `output_type: dict[str, int]` (§3.1.5: a type expression is a value
    // there, G16). Where the text is also an expression (`list[str]`, `str?`, `str`), the expression
    // wins (dynamic precedence), as G7 had it.
    _property_type: $ => prec.dynamic(-1, $._type),
    member_assignment: $ => seq(
      field('key', $._property_key), '=', field('value', $._expression), optional(','),
    ),
    uses_member: $ => seq('uses', field('list', $.use_list), optional(',')),

    // Key positions accept any word (§1.4; see `_word`); these keywords can be valid at the same
    // place, so they are listed explicitly (`uses: "std.http"`, `fallback: "m2"`, `flow: …`).
    _property_key: $ => seq(optional($._key_marker), choice(
      $.identifier,
      // `fallback:` (or otherwise/and/or) right after a value without a comma; from the scanner.
      alias($._operator_key, $.identifier),
      prec(-1, alias(choice('uses', 'fallback', 'otherwise', 'flow', 'fn', 'let'), $.identifier)),
    )),

    // Member functions, impl methods: `fn name(params) (: T | -> T)? { … }` (§3.1.4, §3.9).
    function_declaration: $ => seq(
      'fn',
      field('name', $.identifier),
      field('parameters', $.parameter_list),
      optional(seq(choice(':', '->'), field('return_type', $._type))),
      field('body', $.block),
    ),
    function_signature: $ => seq(
      'fn',
      field('name', $.identifier),
      field('parameters', $.parameter_list),
      optional(seq(choice(':', '->'), field('return_type', $._type))),
    ),

    parameter_list: $ => seq('(', commaSep(field('parameter', $.parameter)), ')'),
    parameter: $ => seq(
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      optional(seq('=', field('default', $._literal))),
    ),

    // ------------------------------------------------------------------ §3.2–3.5

    tool_declaration: $ => seq(
      'tool',
      field('name', $.identifier),
      '{',
      looseSep(field('property', alias($.config_entry, $.property))),
      '}',
    ),
    config_entry: $ => seq(
      field('key', choice($._word, alias($._operator_key, $.identifier))),
      ':',
      field('value', $._expression),
    ),

    tool_function_declaration: $ => seq(
      '@', 'tool', '(',
      field('description', $._string_literal),
      optional(seq(',', commaSep1(field('option', $.tool_option)))),
      optional(','),
      // Optional only for recovery (G21): `@tool("d"` followed by its `fn` keeps the function;
      // E008 says the `)` is missing.
      optional(')'),
      'fn',
      field('name', $.identifier),
      field('parameters', $.parameter_list),
      optional(seq(choice(':', '->'), field('return_type', $._type))),
      field('body', $.block),
    ),
    tool_option: $ => seq(
      field('key', $._word), ':', field('value', choice($._literal, $._word)),
    ),

    protocol_declaration: $ => seq(
      'protocol',
      field('name', $.identifier),
      '{',
      looseSep(field('field', $.protocol_field)),
      '}',
    ),
    protocol_field: $ => seq(
      field('name', $._word), ':', field('type', choice($._string_literal, $._type)),
    ),

    flow_declaration: $ => seq(
      'flow',
      $._flow_name,
      optional(field('parameters', $.parameter_list)),
      optional(seq('->', field('return_type', $._type))),
      repeat(field('contract', $.contract_clause)),
      choice(
        field('body', $.block),
        // Recovery only (G18): `requires {` while typing; the `{` opens the body, E008 says the
        // condition is missing.
        seq(
          field('contract', alias($._unfinished_contract, $.contract_clause)),
          field('body', alias($._statements_block, $.block)),
        ),
      ),
    ),
    _flow_name: $ => field('name', $.identifier),
    _unfinished_contract: $ => field('kind', choice('requires', 'ensures')),

    test_declaration: $ => seq(
      'test',
      // Recovery (G23): `test "name {` without the closing quote; E008 says the string is unterminated.
      field('name', choice($._string_literal, alias($._unclosed_test_name, $.string))),
      field('body', $.block),
    ),

    // ------------------------------------------------------------------ §3.8 types

    // `@` could also start the next item's decorator; the constraint binds to this type.
    type_declaration: $ => prec.right(seq(
      'type',
      field('name', $.identifier),
      '=',
      field('type', $._type),
      optional(seq('@', field('constraint', $._string_literal))),
    )),

    _type: $ => choice($.union_type, $.optional_type, $.named_type, $.generic_type),
    union_type: $ => prec.left(seq(
      field('left', $._type), '|', field('right', $._type),
    )),
    // Precedence 1: in `receive(): T?` the `?` makes the type optional, not a propagation.
    optional_type: $ => prec(1, seq(field('type', choice($.named_type, $.generic_type)), '?')),
    named_type: $ => prec(-1, field('name', $.identifier)),
    generic_type: $ => seq(
      field('name', $.identifier),
      '[',
      commaSep1(field('argument', $._type)),
      ']',
    ),

    // ------------------------------------------------------------------ §3.9 struct, enum, trait, impl

    struct_declaration: $ => seq(
      'struct',
      field('name', $.identifier),
      '{',
      looseSep(field('field', $.field_declaration)),
      '}',
    ),
    field_declaration: $ => seq(
      field('name', $._word), optional(seq(':', field('type', $._type))),
    ),

    enum_declaration: $ => seq(
      'enum',
      field('name', $.identifier),
      '{',
      looseSep(field('variant', $.enum_variant)),
      '}',
    ),
    enum_variant: $ => seq(
      field('name', $.identifier),
      optional(seq('(', commaSep1(field('field', $.field_declaration)), ')')),
    ),

    trait_declaration: $ => seq(
      'trait',
      field('name', $.identifier),
      '{',
      looseSep(field('method', $.function_signature)),
      '}',
    ),

    impl_declaration: $ => seq(
      'impl',
      field('trait', $.identifier),
      'for',
      field('type', $.identifier),
      '{',
      looseSep(field('method', $.function_declaration)),
      '}',
    ),

    // ------------------------------------------------------------------ §3.10–3.12 services

    job_declaration: $ => seq(
      'job',
      field('name', $.identifier),
      'on',
      field('queue', choice($._string_literal, $.identifier)),
      optional(field('options', $.job_options)),
      '{',
      repeat(choice(
        field('property', alias($.job_entry, $.property)),
        field('perform', $.perform_clause),
        field('on_failure', $.failure_clause),
        ';',
      )),
      '}',
    ),
    job_options: $ => seq('(', commaSep1(field('option', $.job_option)), ')'),
    job_option: $ => seq(
      field('key', $._word), choice(':', '='), field('value', $._job_value),
    ),
    job_entry: $ => seq(field('key', $._word), ':', field('value', $._job_value), optional(',')),
    _job_value: $ => choice($.integer, $.float, $._string_literal, $._word),  // WORD: any word
    perform_clause: $ => seq(
      'perform',
      '(', commaSep(field('parameter', $.identifier)), ')',
      field('body', $.block),
    ),
    failure_clause: $ => seq(
      'on_failure',
      '(', field('error', $.identifier), ',', field('attempt', $.identifier), ')',
      field('body', $.block),
    ),

    server_declaration: $ => seq(
      'server',
      field('port', choice($.integer, $.identifier)),
      field('body', $.server_body),
    ),
    server_body: $ => seq('{', repeat($._server_item), '}'),
    _server_item: $ => choice(
      $.static_directive,
      $.cors_directive,
      $.middleware_directive,
      $.require_auth_directive,
      $.route_declaration,
      $.semantic_route_declaration,
      $.route_group,
      ';',
    ),
    static_directive: $ => seq(
      'static', field('prefix', $._string_literal), 'from', field('directory', $._string_literal),
    ),
    cors_directive: $ => seq('cors', field('options', $.dict_literal)),  // `cors map {…}` too
    middleware_directive: $ => seq(
      'middleware', '[', commaSep1(field('flow', $.identifier)), ']',
    ),
    require_auth_directive: $ => seq('require_auth', field('prefix', $._string_literal)),
    route_declaration: $ => seq(
      'route',
      field('method', $.http_method),
      field('path', $._string_literal),
      '=>',
      field('target', $.route_target),
    ),
    http_method: _ => choice('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
    semantic_route_declaration: $ => seq(
      'semantic', 'route', field('path', $._string_literal), '=>', field('target', $.route_target),
    ),
    route_target: $ => seq(
      field('stage', $.identifier),
      repeat(seq(field('operator', choice('|>>', '>>')), field('stage', $.identifier))),
    ),
    route_group: $ => seq('group', field('prefix', $._string_literal), field('body', $.server_body)),

    db_declaration: $ => seq(
      'db', field('name', $.identifier), '=', 'connect', '(', field('url', $._expression), ')',
    ),
    kv_declaration: $ => seq(
      'kv', field('name', $.identifier), '=', 'open', '(', field('path', $._expression), ')',
    ),
    auth_declaration: $ => seq(
      'auth', field('name', $.identifier), '=', 'enable_auth', '(',
      field('providers', $._expression), ')',
    ),

    // ------------------------------------------------------------------ §4 statements

    _statement: $ => choice(
      $.let_statement,
      $.assignment_statement,
      $.print_statement,
      $.if_statement,
      $.semantic_if_statement,
      $.while_statement,
      $.for_each_statement,
      $.for_statement,
      $.loop_statement,
      $.break_statement,
      $.continue_statement,
      $.return_statement,
      $.try_statement,
      $.raise_statement,
      $.assert_statement,
      $.defer_statement,
      $.python_statement,
      $.contract_statement,
      $.autoloop_statement,
      $.with_context_statement,
      $.context_policy_statement,
      $.try_agent_statement,
      $.restore_statement,
      $.verify_statement,
      $.reflect_statement,
      $.unharnessed_statement,
      $.hook_statement,
      $.pass_statement,
      $.expression_statement,
    ),

    // Precedence 1: `{}` after `otherwise`, `fallback` or `=>` is an empty block, not a dict (§5.2.4).
    block: $ => prec(1, seq('{', repeat(choice($._statement, ';')), '}')),
    // A block with at least one statement: the body of `if {` / `while {` without a condition (G18),
    // so that `if {} {…}` keeps its empty dict as the condition.
    _statements_block: $ => prec(1, seq('{', repeat1(choice($._statement, ';')), '}')),
    // Recovery only (G26): a block opened with `:` instead of `{` (Python habit) and closed by `}`.
    // `if x: {` (colon and brace) is the same block, with the `{`.
    _colon_block: $ => seq(':', optional('{'), repeat(choice($._statement, ';')), '}'),

    expression_statement: $ => $._expression,

    let_statement: $ => seq(
      'let',
      field('pattern', $._pattern),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),

    assignment_statement: $ => seq(
      field('left', choice($.identifier, $._top_level_word, $.member_expression, $.index_expression)),
      '=',
      field('right', $._expression),
    ),

    print_statement: $ => seq('print', field('value', $._expression)),

    // The condition is optional only for recovery (G18): `if {` while typing opens the consequence
    // block (§5.2.4: a `{` after a statement keyword is a block), and E008 says the condition is
    // missing; before, the block was read as a dict and the rest of the file broke up.
    if_statement: $ => seq(
      'if',
      choice(
        seq(field('condition', $._expression), field('consequence', $.block)),
        field('consequence', alias($._statements_block, $.block)),
        // Recovery only (G26): Python's `if cond:` with the block's `}` kept; E008 at the `:`.
        seq(field('condition', $._expression), field('consequence', alias($._colon_block, $.block))),
      ),
      optional($._else_part),
    ),
    // Recovery only (G20): Python's `elif cond {` after an if's block is read as `else if cond {`, so
    // that the rest of the flow parses; E008 names the node `elif`.
    _else_part: $ => choice(
      seq('else', field('alternative', $._else_branch)),
      seq($.elif, field('alternative', alias($._elif_branch, $.if_statement))),
    ),
    elif: _ => 'elif',
    _elif_branch: $ => seq(
      field('condition', $._expression),
      field('consequence', $.block),
      optional($._else_part),
    ),
    _else_branch: $ => choice($.block, $.if_statement, $.semantic_if_statement),

    semantic_if_statement: $ => seq(
      'semantic_if',
      field('condition', $._string_lit),
      optional(seq('fast_match', optional(':'), field('pattern', choice($.string, $.raw_string)))),
      'against',
      field('subject', $._expression),
      field('consequence', $.block),
      optional(seq('else', field('alternative', $._else_branch))),
    ),

    while_statement: $ => seq(
      'while',
      choice(
        seq(field('condition', $._expression), field('body', $.block)),
        field('body', alias($._statements_block, $.block)),
        // Recovery only (G26): Python's `while cond:` with the block's `}` kept; E008 at the `:`.
        seq(field('condition', $._expression), field('body', alias($._colon_block, $.block))),
      ),
    ),

    for_each_statement: $ => seq(
      'for', 'each',
      field('variable', $.identifier),
      optional(seq(',', field('value', $.identifier))),
      'in',
      field('iterable', $._expression),
      field('body', $.block),
    ),
    for_statement: $ => seq(
      'for',
      field('pattern', $._pattern),
      'in',
      field('iterable', $._expression),
      field('body', $.block),
    ),
    loop_statement: $ => seq(
      'loop', field('body', $.block), 'until', field('condition', $._expression),
    ),
    // break_statement, continue_statement: external tokens (see `externals`).
    // `return` followed by an expression on the next line takes it as its value (§1.2).
    return_statement: $ => prec.right(seq('return', optional(field('value', $._expression)))),

    try_statement: $ => seq('try', field('body', $.block), field('handler', $.catch_clause)),
    catch_clause: $ => seq(
      'catch',
      '(',
      optional(field('kind', $.identifier)),
      field('name', $.identifier),
      ')',
      field('body', $.block),
    ),
    raise_statement: $ => seq('raise', field('value', $._expression)),
    assert_statement: $ => seq(
      'assert',
      field('condition', $._expression),
      optional(seq('against', field('subject', $._expression))),
    ),
    defer_statement: $ => seq('defer', choice(
      field('value', $._expression),
      // Recovery only (G24): `defer` alone on its line, read with the next line's assignment or
      // `let` (§1.2 free form), which stays a statement; E008 says the expression is missing.
      field('statement', choice($.assignment_statement, $.let_statement)),
    )),
    python_statement: $ => seq('python!', field('code', $.triple_string)),
    contract_statement: $ => seq(
      field('kind', choice('requires', 'ensures')),
      field('condition', $._expression),
    ),

    // §4.15 harness statements
    autoloop_statement: $ => seq(
      'autoloop', looseSep(field('parameter', $.harness_parameter)), field('body', $.block),
    ),
    with_context_statement: $ => seq(
      'with_context', looseSep(field('parameter', $.harness_parameter)), field('body', $.block),
    ),
    context_policy_statement: $ => choice(
      seq('context_policy', '{', looseSep(field('parameter', $.harness_parameter)), '}'),
      // Recovery only (G27): the `}` not typed yet; the statement ends after its last parameter so
      // that the next line stays a statement, and E008 says the `}` is missing.
      prec.dynamic(-1, seq(
        'context_policy', '{', repeat1(seq(field('parameter', $.harness_parameter), optional(','))),
      )),
    ),
    // Values are literals or bare words (symbols), so the following `{` is unambiguous.
    harness_parameter: $ => seq(
      field('name', $._word),
      ':',
      field('value', choice($.integer, $.float, $._string_literal, $._word, $.true, $.false)),
    ),
    try_agent_statement: $ => seq(
      'try_agent', field('body', $.block), repeat1(field('correction', $.correction_clause)),
    ),
    correction_clause: $ => seq(
      'catch_correction',
      '(',
      field('name', $.identifier),
      optional(seq(':', field('kind', $.identifier))),
      ')',
      field('body', $.block),
    ),
    restore_statement: $ => seq(
      'restore', '(', field('snapshot', $._expression), ')',
      optional(seq('if', field('condition', $._expression))),
    ),
    verify_statement: $ => prec.right(seq(
      'verify',
      field('subject', $._expression),
      optional(choice(
        seq('satisfies', field('type', $._type)),
        seq('against', field('against', $._expression)),
      )),
    )),
    reflect_statement: $ => seq('reflect', field('note', $._expression)),
    unharnessed_statement: $ => seq(
      'unharnessed',
      optional(seq('(', field('reason', $._string_literal), ')')),
      field('body', $.block),
    ),
    hook_statement: $ => seq(
      choice(
        field('event', choice('before_step', 'after_step')),
        seq(
          field('event', 'on_error'),
          '(', field('name', $.identifier), optional(seq(':', field('kind', $.identifier))), ')',
        ),
        seq(field('event', choice('before_tool', 'after_tool')), '(', field('name', $.identifier), ')'),
      ),
      field('body', $.block),
    ),
    pass_statement: $ => seq(
      'pass', field('message', $._expression), $._to, field('actor', $._expression),
    ),
    // A rule of its own so that `to` ends in a reduction: then the parser can recover from
    // `pass "m" actor` by inserting the missing `to` (it inserts a token only when the next one
    // would then be reduced).
    _to: $ => seq('to', optional($._scanner_hook)),  // the hook (never produced) keeps it a rule

    // ------------------------------------------------------------------ §5 expressions

    // `_expression` adds the postfix `?` (the loosest level) to every operand form, so that `?`
    // can only end an expression: `a? + 1` is a syntax error (§5.9).
    _expression: $ => choice($.try_expression, $._orelse_operand),

    // Levels 2 and 3 of §5.1 whose right end cannot be extended: `a otherwise b` and the semantic
    // branch. As in the spec's rules (`try_expr = orelse_expr '?'?`, `orelse_expr = branch_expr
    // ( … )?`), they are operands of `?` and `otherwise` only, never of a tighter operator: after
    // `x otherwise { … }` or `x ?? { "l" => e }`, a next line starting with `(`, `[` or `-` is a
    // new statement, and `x ?? A : B ?? c` is a syntax error.
    _orelse_operand: $ => choice($.otherwise_expression, $.branch_expression, $._operand),

    _operand: $ => choice($.coalesce_expression, $._or_operand),

    // Level 4 and tighter: the operands of a semantic branch `x ?? A : B` (`or_expr` in §5.7.2).
    _or_operand: $ => choice(
      $.boolean_expression,
      $.unary_expression,
      $.comparison_expression,
      $.dag_expression,
      $.binary_expression,
      $.await_expression,
      $.member_expression,
      $.call_expression,
      $.index_expression,
      $._primary,
    ),

    try_expression: $ => prec(PREC.try, seq(field('operand', $._orelse_operand), '?')),

    // Right-associative: the right side may itself be an otherwise expression, or a block.
    otherwise_expression: $ => prec.right(PREC.orelse, seq(
      field('left', choice($.branch_expression, $._operand)),
      field('operator', choice('otherwise', 'fallback')),
      field('right', choice($._orelse_operand, alias($._otherwise_block, $.block))),
    )),
    // The block after otherwise/fallback, a `block` in the tree. A rule of its own for incremental
    // parsing: `x otherwise { … }?` lets `?` follow this block, and if every block could be followed
    // by `?`, the state after any block's `}` would get a lexer state of its own (`?` conflicts with
    // `??`). The first token after a flow body or a function body is lexed in that state, so after an
    // edit the parser could not reuse the next top-level item (its first token was lexed in another
    // lexer state than the one at top level) and re-lexed and rebuilt the start of every item.
    _otherwise_block: $ => prec(1, seq('{', repeat(choice($._statement, ';')), '}')),

    coalesce_expression: $ => prec.left(PREC.branch, seq(
      field('left', $._operand), '??', field('right', $._operand),
    )),

    // `x ?? A : B` and `x ?? { "label" => e, … }` (§5.7.2).
    branch_expression: $ => choice(
      prec.left(PREC.branch, seq(
        field('input', $._operand),
        '??',
        field('consequence', $._or_operand),
        ':',
        field('alternative', $._or_operand),
      )),
      prec.left(PREC.branch, seq(
        field('input', $._operand), '??', field('cases', alias($._nonempty_case_block, $.case_block)),
      )),
    ),
    // `case_block = '{' sep(string_lit '=>' expression) '}'`. After `??`, `{}` is a dict (§5.2.4),
    // so there the block needs one case; after `semantic_if (…)` it may be empty.
    case_block: $ => seq('{', looseSep(field('case', $.case_arm)), '}'),
    _nonempty_case_block: $ => seq(
      '{', field('case', $.case_arm), optional(','), looseSep(field('case', $.case_arm)), '}',
    ),
    case_arm: $ => seq(
      field('label', $._string_lit),
      '=>',
      field('value', $._expression),
    ),

    boolean_expression: $ => choice(
      prec.left(PREC.or, seq(field('left', $._operand), field('operator', 'or'), field('right', $._operand))),
      prec.left(PREC.and, seq(field('left', $._operand), field('operator', 'and'), field('right', $._operand))),
    ),

    unary_expression: $ => choice(
      prec(PREC.not, seq(field('operator', 'not'), field('operand', $._operand))),
      prec(PREC.unary, seq(field('operator', '-'), field('operand', $._operand))),
    ),

    // The spec makes comparison non-associative (`a < b < c` is rejected); the checker reports
    // a chained comparison, the grammar parses it left-associatively for better recovery.
    comparison_expression: $ => prec.left(PREC.compare, seq(
      field('left', $._operand),
      field('operator', choice('==', '!=', '<', '<=', '>', '>=')),
      field('right', $._operand),
    )),

    // The six DAG operators share one level and associate to the left (§5.6).
    dag_expression: $ => prec.left(PREC.dag, seq(
      field('left', $._operand),
      field('operator', choice(...DAG_OPERATORS)),
      field('right', $._operand),
    )),

    binary_expression: $ => choice(
      prec.left(PREC.add, seq(field('left', $._operand), field('operator', choice('+', '-')), field('right', $._operand))),
      prec.left(PREC.mul, seq(field('left', $._operand), field('operator', choice('*', '/', '%')), field('right', $._operand))),
    ),

    await_expression: $ => prec(PREC.unary, seq('await', field('value', $._operand))),

    member_expression: $ => prec(PREC.postfix, seq(
      field('object', $._operand), '.', field('member', $._word),
    )),
    call_expression: $ => prec(PREC.postfix, seq(
      field('function', $._operand), field('arguments', $.argument_list),
    )),
    index_expression: $ => prec(PREC.postfix, seq(
      field('object', $._operand), '[', field('index', $._expression), ']',
    )),

    // Precedence 1: `print (a)` is always the call form, so `print (a) + b` is `print(a) + b` (§4.4).
    argument_list: $ => prec(1, seq('(', commaSep(field('argument', choice($._expression, $.keyword_argument))), ')')),
    // `name = value` or `name: value` (D34).
    // Any word may name an argument (§1.4); the keywords that can also start an expression at this
    // place are lexed as keywords, so they are accepted here under the identifier name.
    keyword_argument: $ => seq(
      field('name', choice(
        $._word,
        alias(choice(...EXPRESSION_KEYWORDS, ...TOP_LEVEL_WORDS, 'map'), $.identifier),
        alias($.true, $.identifier),
        alias($.false, $.identifier),
      )),
      choice('=', ':'),
      field('value', $._expression),
    ),

    _primary: $ => choice(
      $.integer,
      $.float,
      $.true,
      $.false,
      $.none,
      $.string,
      $.triple_string,
      $.raw_string,
      $.template_string,
      $.identifier,
      $._top_level_word,
      $.scoped_identifier,
      $.parenthesized_expression,
      $.list_literal,
      $.dict_literal,
      $.lambda_expression,
      $.match_expression,
      $.semantic_if_expression,
      $.print_call,
      $.spawn_expression,
      $.fork_expression,
      $.snapshot_expression,
      $.receive_expression,
    ),

    // Negative precedence: when the word could start its declaration (`test "name" {`), it does.
    _top_level_word: $ => prec(-1, alias(choice(...TOP_LEVEL_WORDS, 'map'), $.identifier)),

    scoped_identifier: $ => seq(field('scope', $.identifier), '::', field('name', $.identifier)),

    parenthesized_expression: $ => seq('(', field('expression', $._expression), ')'),

    list_literal: $ => seq('[', commaSep(field('element', choice($._expression, $.fallback_element))), ']'),
    fallback_element: $ => seq('fallback', ':', field('value', $._expression)),

    dict_literal: $ => seq(
      optional('map'),
      '{',
      commaSep(field('entry', $.pair)),
      '}',
    ),
    pair: $ => seq(field('key', choice($._string_literal, $._word)), ':', field('value', $._expression)),

    lambda_expression: $ => seq(
      'fn',
      field('parameters', $.parameter_list),
      optional(seq(choice(':', '->'), field('return_type', $._type))),
      field('body', $.block),
    ),

    match_expression: $ => seq(
      'match',
      choice(
        seq(field('subject', $._expression), '{', looseSep(field('arm', choice($.match_arm, $.intent_arm)))),
        // Recovery only (G18): `match {` while typing opens the arms; E008 says the subject is missing.
        seq('{', repeat1(seq(field('arm', choice($.match_arm, $.intent_arm)), optional(',')))),
      ),
      '}',
    ),
    // The guard may stand before `=>` or after the arm body (§5.10).
    match_arm: $ => seq(
      // `intent` is a keyword only in `intent(` (§1.5.2); `intent => …` binds a variable.
      field('pattern', choice($._pattern, alias('intent', $.identifier))),
      optional(seq('if', field('guard', $._expression))),
      '=>',
      field('body', choice($.block, $._expression)),
      optional(seq('if', field('guard', $._expression))),
    ),
    intent_arm: $ => seq(
      'intent', '(', field('intent', $._string_lit), ')',
      '=>',
      field('body', choice($.block, $._expression)),
    ),

    semantic_if_expression: $ => seq(
      'semantic_if',
      '(',
      field('subject', $._expression),
      ',',
      field('question', $._string_lit),
      ')',
      field('cases', $.case_block),
    ),

    print_call: $ => seq('print', field('arguments', $.argument_list)),

    spawn_expression: $ => seq('spawn', choice(
      seq('(', field('task', $._expression), ')'),
      seq(field('actor', $.identifier), field('arguments', $.argument_list)),
      field('agents', $.list_literal),
    )),

    fork_expression: $ => seq(
      'fork',
      '[',
      commaSep1(field('branch', $.fork_branch)),
      ']',
      'merge',
      field('strategy', $._word),
    ),
    fork_branch: $ => seq(
      optional(seq(field('name', choice($.identifier, $._top_level_word)), '=')),
      field('value', $._expression),
    ),

    snapshot_expression: _ => seq('snapshot', '(', ')'),
    // `x ?? receive(): T` — the `:` after `receive()` is its type annotation.
    receive_expression: $ => prec.right(seq('receive', '(', ')', optional(seq(':', field('type', $._type))))),

    // ------------------------------------------------------------------ §5.10.2 patterns

    _pattern: $ => choice(
      $.wildcard_pattern,
      $.literal_pattern,
      $.identifier,
      $.tuple_pattern,
      $.list_pattern,
      $.map_pattern,
      $.variant_pattern,
      $.parenthesized_pattern,
    ),
    // wildcard_pattern: `_`, an external token (see `externals`).
    literal_pattern: $ => choice(
      $.integer,
      $.float,
      seq('-', choice($.integer, $.float)),
      $.string,
      $.triple_string,
      $.raw_string,
      $.true,
      $.false,
      $.none,
    ),
    tuple_pattern: $ => seq(
      '(', field('element', $._pattern), repeat1(seq(',', field('element', $._pattern))), optional(','), ')',
    ),
    parenthesized_pattern: $ => seq('(', field('pattern', $._pattern), ')'),
    // `[a, b, ..rest]` and upstream's `[a, b..rest]` (D43).
    list_pattern: $ => seq(
      '[',
      optional(seq(
        field('element', $._pattern),
        repeat(seq(',', field('element', $._pattern))),
      )),
      optional(seq(optional(','), field('rest', $.rest_pattern))),
      optional(','),
      ']',
    ),
    rest_pattern: $ => seq('..', optional(field('name', $.identifier))),
    map_pattern: $ => seq(
      '{',
      optional(seq(
        field('entry', $.map_pattern_entry),
        repeat(seq(',', field('entry', $.map_pattern_entry))),
      )),
      optional(seq(optional(','), field('rest', $.rest_pattern))),
      optional(','),
      '}',
    ),
    map_pattern_entry: $ => seq(
      field('key', choice($._word, $.string)),
      optional(seq(':', field('pattern', $._pattern))),
    ),
    variant_pattern: $ => seq(
      field('enum', $.identifier),
      '::',
      field('variant', $.identifier),
      optional(seq('(', commaSep(field('argument', $._pattern)), ')')),
    ),

    // ------------------------------------------------------------------ shared pieces

    // `literal` of §3.1.1 (no template: a template is evaluated, literals are data, D04).
    _literal: $ => choice(
      $.integer,
      $.float,
      $.negative_number,
      $._string_literal,
      $.true,
      $.false,
      $.none,
    ),
    negative_number: $ => seq('-', choice($.integer, $.float)),

    // A key position: any word, reserved words included (§1.4). `_key_marker` (never produced)
    // tells the scanner that a reserved word here is a key, lexed as an identifier. Where the word
    // is also valid as a keyword at the same place, the rule using `_word` lists it (named
    // arguments, property keys).
    _word: $ => seq(optional($._key_marker), $.identifier),
  },
});

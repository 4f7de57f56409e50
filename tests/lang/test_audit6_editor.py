"""Audit 6 (editor features on every declaration and statement form of nexa-language.md): the
answers that were missing or too narrow, each with a near miss that must stay as it was."""

from __future__ import annotations

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.completion import complete
from nexa_lang.hover import hover
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.navigation import document_highlights, references
from nexa_lang.outline import SymbolKind, document_symbols
from nexa_lang.signature_help import signature_help


def analysis_of(text: str) -> Analysis:
    return analyze(Workspace(), SourceFile.from_text(text))


def at(text: str, needle: str, nth: int = 0) -> int:
    data, wanted = text.encode(), needle.encode()
    offset = -1
    for _ in range(nth + 1):
        offset = data.index(wanted, offset + 1)
    return offset + 1


def lines_of(text: str, spans: list[int]) -> list[int]:
    data = text.encode()
    return sorted(data[:start].count(b"\n") + 1 for start in spans)


TRAIT = """trait Named {
    fn label(prefix: str): String
}
struct Vec2 { dx: Int, dy: Int }
struct Pt { x: Int }
impl Named for Vec2 {
    fn label(prefix: str) { return prefix + "vector" }
}
impl Named for Pt {
    fn label(prefix: str) { return prefix + "point" }
}
trait Sized2 { fn label(): String }
flow main() {
    v = Vec2(dx: 1, dy: 2)
    p = Pt(x: 1)
    print(v.label("a"), p.label("b"))
}
"""


def test_references_of_a_trait_method_include_its_impls_and_their_calls():
    """L§3.9: an impl supplies the trait's methods; the trait's `fn label` and every
    `impl Named for T { fn label … }` are one method (rename already refuses them together)."""
    analysis = analysis_of(TRAIT)
    found = references(analysis, at(TRAIT, "label"))
    assert lines_of(TRAIT, [loc.span.start for loc in found]) == [2, 7, 10, 16, 16]
    highlights = document_highlights(analysis, at(TRAIT, "label"))
    assert lines_of(TRAIT, [h.span.start for h in highlights]) == [2, 7, 10, 16, 16]


def test_references_of_an_impl_method_include_the_trait_method():
    analysis = analysis_of(TRAIT)
    found = references(analysis, at(TRAIT, "label", 1))
    assert lines_of(TRAIT, [loc.span.start for loc in found]) == [2, 7, 10, 16, 16]


def test_a_same_named_method_of_another_trait_is_not_a_reference():
    analysis = analysis_of(TRAIT)
    found = references(analysis, at(TRAIT, "label", 3))  # trait Sized2's label
    assert lines_of(TRAIT, [loc.span.start for loc in found]) == [12]


HARNESS = """job Nightly on "reports" (priority: high) {
    retry: 2
    perform(day) { print(day) }
}
flow main() {
    autoloop max_steps: 3, exit_when: "done", timeout: 60 {
        verify true
    }
    with_context max_tokens: 8000 { print("x") }
    context_policy { max_tokens: 1000, strategy: summarize }
}
"""


def markdown(text: str, offset: int) -> str | None:
    found = hover(analysis_of(text), offset)
    return found.markdown if found is not None else None


def test_job_options_hover_with_their_table_row():
    """L§3.10's table, in the header list and in the body."""
    priority = markdown(HARNESS, at(HARNESS, "priority"))
    assert priority is not None and "**priority** (job option)" in priority and "`normal`" in priority
    retry = markdown(HARNESS, at(HARNESS, "retry"))
    assert retry is not None and "attempts after the first failure" in retry


def test_harness_parameters_hover_with_their_table_row():
    """L§4.15: autoloop, with_context and context_policy parameters."""
    steps = markdown(HARNESS, at(HARNESS, "max_steps"))
    assert steps is not None and "**max_steps** (autoloop parameter)" in steps
    timeout = markdown(HARNESS, at(HARNESS, "timeout"))
    assert timeout is not None and "(autoloop parameter)" in timeout
    tokens = markdown(HARNESS, at(HARNESS, "max_tokens"))
    assert tokens is not None and "(with_context parameter)" in tokens
    strategy = markdown(HARNESS, at(HARNESS, "strategy"))
    assert strategy is not None and "(context_policy parameter)" in strategy


def test_a_harness_value_and_the_job_queue_still_have_no_hover():
    assert markdown(HARNESS, at(HARNESS, "summarize")) is None
    assert markdown(HARNESS, at(HARNESS, "reports")) is None


TYPES = """struct Vec2 { dx: Int, dy: Int }
enum Shape { Dot, Circle(radius) }
trait Named { fn label(): String }
protocol Draft { title: str }
flow main() {
    title = "x"
    print(title)
}
"""


def labels_at(text: str, line: str, anchor: str = "    print(title)") -> list[str]:
    """Completion labels with `line` (holding the cursor ‸) inserted before `anchor`."""
    before, after = line.split("‸")
    i = text.index(anchor)
    source = text[:i] + before + after + "\n" + text[i:]
    analysis = analyze(Workspace(), SourceFile.from_text(source))
    return [item.label for item in complete(analysis, len((text[:i] + before).encode())).matching().items]


def test_types_are_offered_inside_a_type_already_begun():
    """L§3.8: `list[T]`, `dict[K, V]`, `A | B` are types; after `[`, `|` or a bracketed `,` comes a type."""
    for line in ("    let q: list[‸", "    let q: dict[str, ‸", "    let q: str | ‸", "    let q: int? | ‸"):
        found = labels_at(TYPES, line)
        assert "Vec2" in found and "integer" in found and "title" not in found, line
    found = labels_at(TYPES, "type Q = list[‸", "flow main")
    assert "Shape" in found and "Vec2" in found


def test_types_are_offered_after_satisfies_and_in_record_fields():
    found = labels_at(TYPES, "    verify title satisfies ‸")  # L§4.15
    assert "Draft" in found and "str" in found and "title" not in found
    found = labels_at(TYPES, "protocol P2 { a: ‸", "flow main")  # L§3.4
    assert "Vec2" in found and "int" in found
    found = labels_at(TYPES, "enum E2 { V(a: ‸", "flow main")  # L§3.9 payload field
    assert "Vec2" in found and "int" in found
    found = labels_at(TYPES, "protocol P3 {\n    a: ‸", "flow main")  # a field on its own line
    assert "Vec2" in found and "int" in found


def test_impl_offers_traits_then_struct_and_enum_types():
    """L§3.9: `impl Trait for Type`."""
    assert labels_at(TYPES, "impl ‸", "flow main") == ["Named"]
    assert labels_at(TYPES, "impl Named for ‸", "flow main") == ["Vec2", "Shape"]


def test_value_positions_next_to_types_still_offer_values():
    assert "title" in labels_at(TYPES, "    x = title || ‸")
    assert "title" in labels_at(TYPES, "    verify ‸")
    assert "title" in labels_at(TYPES, "    y = [title, ‸")
    found = labels_at(TYPES, "flow f(a: int, ‸) { }", "flow main")
    assert "integer" not in found  # a parameter name comes after the comma, not a type


HOOKS = """tool Search { description: "search the web" }
@tool("Repeat a phrase")
fn exclaim(phrase: str): str { return phrase }
flow main() {
    title = "x"
    print(title)
}
"""


def test_error_kinds_are_offered_where_a_catch_or_hook_names_one():
    """L§4.9 `catch (Kind e)`, L§4.15 `on_error(e: Kind)` and `catch_correction(e: Kind)`."""
    for line in (
        "    try { print(1) } catch (‸",
        "    on_error(e: ‸",
        "    try_agent { print(1) } catch_correction(fault: ‸",
    ):
        found = labels_at(HOOKS, line)
        assert "ToolError" in found and "Error" in found and "title" not in found, line


def test_tool_hooks_offer_the_tools():
    """L§4.15 `before_tool(name)`: a tool declaration or an `@tool fn` (E007)."""
    assert labels_at(HOOKS, "    before_tool(‸") == ["Search", "exclaim"]
    assert labels_at(HOOKS, "    after_tool(‸") == ["Search", "exclaim"]


def test_the_variable_of_a_hook_and_a_catch_body_are_not_kinds():
    assert "ToolError" not in labels_at(HOOKS, "    on_error(‸")  # the variable is a new name
    assert "title" in labels_at(HOOKS, "    try { print(1) } catch (e) { print(‸")


JOB = """job ResizeImage on "media" (priority: high) {
    retry: 2
    on_failure(err, attempt) {
        print(err)
    }
    perform(image_id, width) { print(image_id) }
}
"""


def test_a_job_outline_lists_its_options_perform_and_on_failure():
    """L§3.10: options, `perform(…)` and `on_failure(…)` are the job's members, as an agent's
    properties and fns are the agent's."""
    (job,) = document_symbols(SourceFile.from_text(JOB))
    shown = [(c.name, c.kind, c.detail) for c in job.children]
    assert shown == [
        ("priority", SymbolKind.PROPERTY, "high"),
        ("retry", SymbolKind.PROPERTY, "2"),
        ("on_failure", SymbolKind.METHOD, "(err, attempt)"),
        ("perform", SymbolKind.METHOD, "(image_id, width)"),
    ]
    failure = job.children[2]
    data = JOB.encode()
    assert data[failure.selection_span.start : failure.selection_span.end] == b"on_failure"
    assert data[failure.span.start : failure.span.end].endswith(b"}")
    assert [p.name for p in failure.children] == ["err", "attempt"]
    assert job.span.contains(failure.span)


def test_a_job_without_members_has_no_children():
    (job,) = document_symbols(SourceFile.from_text('job Empty on "q" {\n}\n'))
    assert job.children == [] and job.detail == "on q"


SERVICES = """db store = connect("sqlite://:memory:")
kv cache = open(":memory:")
flow worker() { return 1 }
flow main() {
    print(1)
}
"""


def help_at(line: str) -> tuple[str, int | None] | None:
    before, after = line.split("‸")
    i = SERVICES.index("    print(1)")
    source = SERVICES[:i] + before + after + "\n" + SERVICES[i:]
    analysis = analyze(Workspace(), SourceFile.from_text(source))
    found = signature_help(analysis, len((SERVICES[:i] + before).encode()))
    return (found.signatures[0].label, found.active_parameter) if found is not None else None


def test_signature_help_for_handle_functions_and_concurrency_built_ins():
    """S§1: `query(db, sql, params)`, `incr(kv, key, amount)`, `spawn(handler)`, `restore(s)`."""
    assert help_at("    rows = query(store, ‸") == (
        "query(db: DbHandle, sql: str, params: list = …) -> list[map]",
        1,
    )
    assert help_at("    n = incr(cache, ‸") == ("incr(kv: KvHandle, key: str, amount: int = …) -> int", 1)
    assert help_at("    t = spawn(‸") == ("spawn(handler: fn | Flow | Agent) -> Task", 0)
    assert help_at("    restore(‸") == ("restore(s: Snapshot) -> none", 0)


def test_a_program_flow_named_like_a_handle_function_keeps_its_own_signature():
    source = SERVICES.replace("flow worker()", "flow query(text)")
    i = source.index("    print(1)")
    analysis = analyze(Workspace(), SourceFile.from_text(source[:i] + "    query(\n" + source[i:]))
    found = signature_help(analysis, len((source[:i] + "    query(").encode()))
    assert found is not None and found.signatures[0].label == "query(text)"


def test_harness_headers_offer_their_parameters_and_strategy_words():
    """L§4.15: `autoloop max_steps: …, exit_when: …, timeout: …`, `with_context` /
    `context_policy { … }` with `max_tokens` and `strategy` (a bare word)."""
    assert labels_at(TYPES, "    autoloop ‸") == ["max_steps", "exit_when", "timeout"]
    assert labels_at(TYPES, "    autoloop max_steps: 3, ‸") == ["exit_when", "timeout"]
    assert labels_at(TYPES, "    context_policy { ‸") == ["max_tokens", "strategy"]
    words = labels_at(TYPES, "    with_context max_tokens: 10, strategy: ‸")
    assert "sliding_window" in words and "summarize" in words and "title" not in words


def test_a_harness_body_and_a_number_value_still_offer_values():
    assert "title" in labels_at(TYPES, "    autoloop max_steps: 3 {\n        ‸")
    assert "title" in labels_at(TYPES, "    autoloop max_steps: ‸")

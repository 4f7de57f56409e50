"""G004 stage-type-mismatch: a stage that certainly receives a type it does not accept."""

from nexa_lang.checker import check_text
from nexa_lang.fixes import apply_fixes
from nexa_lang.positions import LineIndex, Unit


def found(text: str, code: str) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column in code points, message) of each diagnostic of `code`."""
    index = LineIndex(text)
    result = []
    for d in check_text(text, codes=[code]):
        line, column = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
        result.append((d.code, line, column, d.message))
    return result


def fixed(text: str, code: str) -> str:
    return apply_fixes(text, check_text(text, codes=[code]), unsafe=True).text


PROTOCOLS = (
    "protocol Invoice { amount: float, currency: str }\n"
    "protocol Payment { amount: float, iban: str }\n"
    'agent Extractor implements Invoice { prompt: "Extract the invoice." }\n'
    'agent Payer { prompt: "Prepare the transfer.", input_type: Payment }\n'
)


def test_g004_names_the_missing_protocol_fields() -> None:
    text = PROTOCOLS + 'flow main { print("scan.txt" >> Extractor >> Payer) }\n'
    message = "'Payer' accepts Payment but receives Invoice from 'Extractor'; missing fields: iban"
    assert found(text, "G004") == [("G004", 5, 46, message)]


def test_g004_not_reported_when_the_producer_has_every_field() -> None:
    text = PROTOCOLS.replace("currency: str }", "currency: str, iban: str }")
    assert found(text + 'flow main { print("scan.txt" >> Extractor >> Payer) }\n', "G004") == []


def test_g004_reports_a_literal_fed_to_a_typed_flow() -> None:
    text = 'flow total(n: int) { return n }\nflow main { print("x" >> total) }\n'
    assert found(text, "G004") == [("G004", 2, 26, "'total' accepts int but receives str from a str literal")]


def test_g004_int_fits_a_float_parameter() -> None:
    text = "flow total(n: float) { return n }\nflow main { print(3 >> total) }\n"
    assert found(text, "G004") == []


def test_g004_an_agent_without_output_type_produces_str() -> None:
    text = (
        'agent Writer { prompt: "Write." }\nagent Counter { prompt: "Count.", input_type: int }\n'
        'flow main { print("x" >> Writer >> Counter) }\n'
    )
    assert found(text, "G004") == [("G004", 3, 36, "'Counter' accepts int but receives str from 'Writer'")]


def test_g004_str_input_accepts_everything() -> None:
    text = 'agent Reader { prompt: "Read.", input_type: str }\nflow main { print(3 >> Reader) }\n'
    assert found(text, "G004") == []


def test_g004_an_untyped_variable_is_never_a_mismatch() -> None:
    text = "flow total(n: int) { return n }\nflow main(q) { print(q >> total) }\n"
    assert found(text, "G004") == []


def test_g004_is_an_error_with_the_accepted_type_as_related() -> None:
    text = PROTOCOLS + 'flow main { print("scan.txt" >> Extractor >> Payer) }\n'
    [diagnostic] = check_text(text, codes=["G004"])
    assert diagnostic.severity.value == "error"
    assert [r.message for r in diagnostic.related] == [
        "'Payer' accepts Payment",
        "'Extractor' produces Invoice",
    ]

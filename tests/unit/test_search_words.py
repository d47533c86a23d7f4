from scholar_desk.core.services import references as svc


def test_search_words_are_what_the_index_searches_by() -> None:
    assert svc.search_words("  genicular  n") == ("genicular",)
    assert svc.search_words("ultrasound-guided bl") == ("ultrasound", "guided", "bl")
    assert svc.search_words("g") == ()
    assert svc.search_words("pain 2") == ("pain", "2")


def test_typing_on_narrows_and_anything_else_does_not() -> None:
    assert svc.narrows(("gen",), ("ge",))
    assert svc.narrows(("genicular", "ne"), ("genicular",))
    assert svc.narrows(("genicular", "ne"), ("gen",))
    assert svc.narrows(("spinal", "cord", "st"), ("spinal", "co"))
    assert not svc.narrows(("ge",), ("gen",))  # a backspace widens
    assert not svc.narrows(("pain", "me"), ("opioid", "me"))
    assert not svc.narrows(("gen",), ())  # no search before: everything was shown
    assert not svc.narrows(("Gen",), ("ge",))  # case folding is the index's business
    assert not svc.narrows(("pain", "20"), ("pain", "2"))  # a number also means a year

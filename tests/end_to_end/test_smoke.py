from tests.helpers import MINIMAL_PAGE, Tree


def test_minimal_page_is_clean(tree: Tree) -> None:
    tree.write("content/minimal.yaml", MINIMAL_PAGE)
    result = tree.check()
    assert result.findings == []
    assert len(result.pages) == 1
    assert result.claims == 1

"""Natural order: the numbers inside room numbers compare as numbers."""

from pingji.core.ordering import natural_key


def test_numbers_inside_text_sort_as_numbers():
    rooms = ["10", "2", "A-10", "A-9", "1", "B", "3-10", "3-2", ""]
    assert sorted(rooms, key=natural_key) == ["", "1", "2", "3-2", "3-10", "10", "A-9", "A-10", "B"]

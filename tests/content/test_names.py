import pytest


class TestCheckName:
    def _callFUT(self, name, reserved=()):
        from statportal.content.names import check_name

        return check_name(name, reserved)

    @pytest.mark.parametrize("name", ["industry", "a", "2026-q3", "x.y_z~1"])
    def test_accepts(self, name):
        assert self._callFUT(name) == name

    @pytest.mark.parametrize("name", ["", "@workflow", "++api++", "_private", ".hidden",
                                      "a/b", "with space", "қала", "a" * 101, None, "x\n"])
    def test_refuses(self, name):
        from statportal.content.names import InvalidName

        with pytest.raises(InvalidName):
            self._callFUT(name)

    def test_reserved(self):
        from statportal.content.names import InvalidName

        with pytest.raises(InvalidName):
            self._callFUT("login", reserved=("login",))


class TestNameFromTitle:
    def _callFUT(self, title, taken=()):
        from statportal.content.names import name_from_title

        return name_from_title(title, taken)

    def test_english_first(self):
        assert self._callFUT({"kk": "Өнеркәсіп", "en": "Industrial production"}) == \
            "industrial-production"

    def test_transliterates_kazakh(self):
        assert self._callFUT({"kk": "Өнеркәсіп өндірісі"}) == "onerkasip-ondirisi"

    def test_unique(self):
        assert self._callFUT({"en": "Prices"}, taken={"prices", "prices-2"}) == "prices-3"

    def test_nothing_usable(self):
        assert self._callFUT({"en": "!!!"}) == "item"

"""Every rule's own examples: `drop` lines are caught by that rule, `keep` lines by no rule."""

from __future__ import annotations

import pytest

import scrubber
from scrubber.keys import match_key
from scrubber.rules import RuleSet, parse_rules

RULES = scrubber.default_rules()
DROP = [(r.id, r.origin, ex) for r in RULES for ex in r.drop]
KEEP = [(r.id, r.origin, ex) for r in RULES for ex in r.keep]


def test_every_rule_has_examples():
    for rule in RULES:
        assert rule.drop, f"{rule.origin}: rule {rule.id} has no drop examples"
        assert rule.keep, f"{rule.origin}: rule {rule.id} has no keep examples"


@pytest.mark.parametrize(("rule_id", "origin", "example"), DROP)
def test_drop_example_caught_by_its_rule(rule_id, origin, example):
    rule = next(r for r in RULES if r.id == rule_id and r.origin == origin and example in r.drop)
    assert rule.search(match_key(example)), f"{origin}: {rule_id} misses {example!r}"


@pytest.mark.parametrize(("rule_id", "origin", "example"), KEEP)
def test_keep_example_not_dropped_by_any_rule(rule_id, origin, example):
    found = RULES.match(example)
    assert found is None or found.rule.action != "drop", (
        f"{origin}: keep example of {rule_id} {example!r} is dropped by {found.rule.id}"
    )


def test_traditional_and_full_width_match_simplified_rule():
    found = RULES.match("（責任編輯：王小明）")
    assert found is not None and found.rule.id == "editor_credit"
    assert dict(found.meta)["editor"] == "王小明"


@pytest.mark.parametrize("line, author", [
    ("By Tom Reyes — Saturday 14 June", "Tom Reyes"),
    ("By Ana Ruiz - Staff Writer", "Ana Ruiz"),
    ("By Ben Grossman -- Broadcasting & Cable", "Ben Grossman"),
    ("By Anne-Marie Ruiz - Staff Writer", "Anne-Marie Ruiz"),  # a hyphen inside stays
    ("By Jean-Luc Picard", "Jean-Luc Picard"),
])
def test_byline_author_ends_at_a_dash(line, author):
    found = RULES.match(line)
    assert found is not None and found.rule.id == "byline"
    assert dict(found.meta)["author"] == author


def test_lift_keeps_display_text():
    found = RULES.match("（原標題：颱風過後的漁港）")
    assert found.rule.id == "original_title"
    assert dict(found.meta)["original_title"] == "颱風過後的漁港"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[rule]]\nid = "Bad Id"\nreason = "x"\npatterns = ["a"]', "snake_case"),
        ('[[rule]]\nid = "x"\npatterns = ["a"]', "reason"),
        ('[[rule]]\nid = "x"\nreason = "r"\npatterns = ["("]', "bad pattern"),
        ('[[rule]]\nid = "x"\nreason = "r"\npatterns = ["(?P<nope>a)"]', "metadata field"),
        ('[[rule]]\nid = "x"\nreason = "r"\npatterns = ["a"]\nfoo = 1', "unknown keys"),
        ("[[rule]\n", "TOML"),
    ],
)
def test_bad_rule_files_name_file_and_rule(toml, message):
    with pytest.raises(scrubber.RuleError, match=message) as exc:
        parse_rules(toml, "my_rules.toml")
    assert "my_rules.toml" in str(exc.value)


def test_site_rules_apply_only_on_their_site():
    site = parse_rules(
        '[[rule]]\nid = "site_footer"\nreason = "footer of example.com"\n'
        'patterns = ["^本站提示"]\nsites = ["example.com"]\n'
        'drop = ["本站提示：注意"]\nkeep = ["别的"]\n'
    )
    merged: RuleSet = RULES + site
    assert merged.match("本站提示：注意", host="news.example.com").rule.id == "site_footer"
    assert merged.match("本站提示：注意", host="other.org") is None
    assert merged.match("本站提示：注意") is None

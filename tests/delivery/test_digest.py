from __future__ import annotations

from datetime import UTC, datetime, timedelta

from delivery.digest import SECTION_TITLES, build_digest, build_volume, section_for
from tests.support.delivery_samples import NOW, sample_profile, scored, url
from warehouse.records import (
    ApplicantType,
    DocumentKind,
    FundingFacts,
    Signal,
)

DAY = NOW.date()
BUS = {"transport": (0.8, True, "New funding for buses in Birmingham.")}
HOMES = {"housing": (0.7, True, "Affordable homes will be built.")}


def keys(digest) -> list[str]:
    return [section.key for section in digest.sections]


def titles(section) -> list[str]:
    return [item.title for group in section.groups for item in group.items]


def test_build_digest_sections_follow_the_issue_order(profile) -> None:
    documents = [
        scored(url=url("e"), title="Emerging", themes={},
               insight={"region_score": 0.9, "places": ["Birmingham"]}),
        scored(url=url("o"), title="Opportunity", themes=BUS,
               insight={"signal": Signal.OPPORTUNITY, "signal_score": 0.6}),
        scored(url=url("t"), title="Threat", themes=HOMES,
               insight={"signal": Signal.THREAT, "signal_score": 0.6}),
        scored(url=url("a"), title="Consultation", kind=DocumentKind.CONSULTATION,
               closes_at=NOW + timedelta(days=5), themes=BUS),
        scored(url=url("f"), title="Grant", kind=DocumentKind.GRANT, themes=BUS),
        scored(url=url("p"), title="Debate", kind=DocumentKind.DEBATE,
               body_text="Sam Member asked about Coventry.", themes={},
               metadata={"speaker": "Sam Member"}),
        scored(url=url("d"), title="Statistics", themes=HOMES),
    ]
    digest = build_digest(documents, profile, DAY, now=NOW)
    assert keys(digest) == list(SECTION_TITLES)
    assert [titles(s)[0] for s in digest.sections] == [
        "Consultation", "Threat", "Opportunity", "Grant", "Debate", "Statistics", "Emerging"]


def test_build_digest_actions_due_are_soonest_first_and_include_open_older_items(
    profile,
) -> None:
    later = scored(url=url("later"), title="Later", kind=DocumentKind.CONSULTATION,
                   closes_at=NOW + timedelta(days=12), themes=BUS)
    sooner = scored(url=url("sooner"), title="Sooner", kind=DocumentKind.CALL_FOR_EVIDENCE,
                    closes_at=NOW + timedelta(days=2), themes=HOMES)
    beyond = scored(url=url("beyond"), title="Beyond", kind=DocumentKind.CONSULTATION,
                    closes_at=NOW + timedelta(days=20), themes=BUS)
    digest = build_digest([later, beyond], profile, DAY, now=NOW, open_deadlines=[sooner])
    actions = digest.sections[0]
    assert actions.key == "actions"
    assert titles(actions) == ["Sooner", "Later"]
    assert [i.days_left for i in actions.groups[0].items] == [2, 12]
    assert [i.new for i in actions.groups[0].items] == [False, True]


def test_build_digest_opportunities_are_grouped_by_theme(profile) -> None:
    opportunity = {"signal": Signal.OPPORTUNITY, "signal_score": 0.5}
    digest = build_digest([
        scored(url=url("b1"), title="Bus 1", themes=BUS, insight=opportunity),
        scored(url=url("h1"), title="Homes 1", themes=HOMES, insight=opportunity),
        scored(url=url("b2"), title="Bus 2", themes=BUS, insight=opportunity),
    ], profile, DAY, now=NOW)
    [section] = digest.sections
    assert [g.title for g in section.groups] == ["Transport", "Housing"]
    assert [len(g.items) for g in section.groups] == [2, 1]


def test_build_digest_parliament_needs_a_regional_mention_and_names_the_speaker(profile) -> None:
    digest = build_digest([
        scored(url=url("yes"), title="Buses debate", kind=DocumentKind.DEBATE,
               body_text="Sam Member raised Coventry's buses.", people=["Sam Member"]),
        scored(url=url("no"), title="Fisheries debate", kind=DocumentKind.DEBATE,
               body_text="Quotas in the North Sea.", people=["Someone Else"]),
    ], profile, DAY, now=NOW)
    [section] = digest.sections
    [item] = section.groups[0].items
    assert (section.key, item.title, item.speaker) == ("parliament", "Buses debate", "Sam Member")
    assert digest.unmatched_items == 1


def test_build_digest_folds_a_cluster_under_its_best_ranked_member(profile) -> None:
    lead = scored(url=url("lead"), title="Lead story", themes=BUS)
    cluster = {"cluster_id": lead.document.id}
    documents = [
        scored(url=url("lead"), title="Lead story", themes=BUS, insight=cluster),
        scored(url=url("copy"), title="Same story elsewhere",
               themes={"transport": (0.6, True, "")}, insight=cluster, source="regional"),
    ]
    digest = build_digest(documents, profile, DAY, now=NOW)
    [item] = [i for s in digest.sections for g in s.groups for i in g.items]
    assert item.title == "Lead story"
    assert [(r.title, r.source) for r in item.related] == [("Same story elsewhere", "Regional")]


def test_build_digest_emerging_holds_off_theme_clusters(profile) -> None:
    first = scored(url=url("c1"), title="New thing")
    cluster = {"cluster_id": first.document.id}
    documents = [scored(url=url("c1"), title="New thing", insight=cluster),
                 scored(url=url("c2"), title="New thing again", insight=cluster)]
    digest = build_digest(documents, profile, DAY, now=NOW)
    assert keys(digest) == ["emerging"]


def test_build_digest_without_insight_falls_back_to_themes(profile) -> None:
    digest = build_digest([scored(themes=BUS)], profile, DAY, now=NOW)
    assert keys(digest) == ["developments"]
    item = digest.sections[0].groups[0].items[0]
    assert item.signal == ""
    assert "".join(p.text for p in item.reason) == (
        "On the Mayor's transport theme; names Birmingham.")


def test_build_digest_reason_marks_matched_terms(profile) -> None:
    document = scored(themes=BUS, insight={"signal": Signal.THREAT, "signal_score": 0.7,
                                           "signal_reason": "bus services cut",
                                           "matched_terms": ["cut"],
                                           "places": ["Birmingham"], "region_score": 0.8})
    item = build_digest([document], profile, DAY, now=NOW).sections[0].groups[0].items[0]
    assert {p.text for p in item.reason if p.marked} == {"cut", "Birmingham"}
    assert "".join(p.text for p in item.reason) == (
        "A risk for TCA on transport: bus services cut; names Birmingham.")


def test_build_digest_caps_each_group_and_counts_the_rest(profile) -> None:
    many = [scored(url=url(f"bus-{i}"), title=f"Bus {i}",
                   themes={"transport": (0.5 + i / 100, True, "buses")}) for i in range(8)]
    digest = build_digest(many, profile, DAY, now=NOW)
    [group] = digest.sections[0].groups
    cap = profile.digest.max_items_per_section
    assert len(group.items) == cap and group.more == 8 - cap
    assert group.items[0].title == "Bus 7"
    assert digest.sections[0].count == 8


def test_build_digest_ranking_weights_come_from_the_profile(profile) -> None:
    near = scored(url=url("near"), title="Near", kind=DocumentKind.CONSULTATION,
                  closes_at=NOW + timedelta(days=30), themes={"transport": (0.5, True, "")})
    strong = scored(url=url("strong"), title="Strong", themes={"transport": (0.9, True, "")})
    by_theme = build_digest([near, strong], sample_profile(ranking={"theme": 1, "region": 0,
                            "signal": 0, "urgency": 0, "novelty": 0}), DAY, now=NOW)
    assert titles(by_theme.sections[0])[0] == "Strong"
    by_novelty = build_digest([near, strong.model_copy(update={"version": 2})],
                              sample_profile(ranking={"theme": 0, "region": 0, "signal": 0,
                                                    "urgency": 0, "novelty": 1}), DAY, now=NOW)
    assert titles(by_novelty.sections[0])[0] == "Near"


def test_build_digest_funding_line_says_who_may_apply(profile) -> None:
    facts = FundingFacts(funder="DfT", max_award_gbp=2_500_000,
                         eligible_applicants=[ApplicantType.COMBINED_AUTHORITY],
                         eligible_for_authority=True)
    document = scored(kind=DocumentKind.FUNDING_CALL, funding=facts, themes=BUS)
    item = build_digest([document], profile, DAY, now=NOW).sections[0].groups[0].items[0]
    assert item.funding == "up to £2.5m each · DfT · the authority may apply"


def test_build_digest_quiet_when_only_old_deadlines_remain(profile) -> None:
    old = scored(kind=DocumentKind.CONSULTATION, closes_at=NOW + timedelta(days=10), themes=BUS)
    digest = build_digest([], profile, DAY, now=NOW, open_deadlines=[old])
    assert digest.quiet
    assert digest.subject == "Horizon 22 Nov: quiet day, nothing new"
    assert not build_digest([old], profile, DAY, now=NOW).quiet


def test_digest_subject_says_what_is_inside(profile) -> None:
    documents = [
        scored(url=url("t1"), themes=BUS, insight={"signal": Signal.THREAT}),
        scored(url=url("t2"), themes=HOMES, insight={"signal": Signal.THREAT}),
        scored(url=url("o1"), themes=BUS, insight={"signal": Signal.OPPORTUNITY}),
        scored(url=url("a1"), kind=DocumentKind.CONSULTATION, themes=BUS,
               closes_at=datetime(2026, 11, 30, tzinfo=UTC)),
    ]
    digest = build_digest(documents, profile, DAY, now=NOW)
    assert digest.subject == "Horizon 22 Nov: 2 threats, 1 opportunity, 1 deadline"


def test_section_for_withdrawn_off_theme_item_is_dropped(profile) -> None:
    document = scored(withdrawn_at=NOW, insight={"signal": Signal.THREAT, "region_score": 1.0})
    assert section_for(document, profile, NOW) is None


def test_build_volume_needs_two_themes_and_scales_to_the_busiest(profile) -> None:
    assert build_volume({"transport": 4}, profile) == []
    bars = build_volume({"transport": 4, "housing": 1}, profile)
    assert [(b.name, b.count, b.percent) for b in bars] == [("Transport", 4, 100),
                                                            ("Housing", 1, 25)]


def test_build_digest_quiet_day_still_reminds_of_a_deadline_within_reminder_days(profile) -> None:
    soon = scored(kind=DocumentKind.CONSULTATION, closes_at=NOW + timedelta(days=1), themes=BUS)
    digest = build_digest([], profile, DAY, now=NOW, open_deadlines=[soon])
    assert digest.nothing_new and not digest.quiet
    assert [i.days_left for i in digest.reminders] == [1]
    assert digest.subject == "Horizon 22 Nov: nothing new; 1 deadline within 3 days"


def test_build_digest_judges_deadlines_at_the_digest_day_not_the_wall_clock(profile) -> None:
    closes = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    call = scored(kind=DocumentKind.CONSULTATION, closes_at=closes, themes=BUS,
                  published_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    first = build_digest([call], profile, DAY).sections[0]
    later = build_digest([call], profile, datetime(2026, 11, 29, tzinfo=UTC).date())
    assert first.key == "actions" and first.groups[0].items[0].days_left == 8
    assert later.sections[0].groups[0].items[0].days_left == 1
    after = build_digest([call], profile, datetime(2026, 12, 4, tzinfo=UTC).date())
    assert "actions" not in keys(after)


def test_build_digest_caps_the_whole_digest_and_links_the_rest(profile) -> None:
    many = [scored(url=url(f"bus-{i}"), title=f"Bus {i}", source=f"s{i}",
                   themes={t: (0.6 + i / 100, True, "x")})
            for i in range(12) for t in ["transport" if i % 2 else "housing"]]
    capped = sample_profile(max_items=5, max_items_per_section=50)
    digest = build_digest(many, capped, DAY, now=NOW)
    assert sum(len(g.items) for s in digest.sections for g in s.groups) == 5
    assert digest.more == 7
    assert digest.more_url.endswith("?profile=test&date_from=2026-11-21&date_to=2026-11-22")


def test_build_digest_brief_leads_with_actions_due(profile) -> None:
    soon = scored(url=url("soon"), title="Bus consultation", kind=DocumentKind.CONSULTATION,
                  closes_at=NOW + timedelta(days=2), themes=BUS)
    other = scored(url=url("other"), title="Homes news", themes=HOMES)
    digest = build_digest([other, soon], profile, DAY, now=NOW)
    assert digest.brief[0].text == "Bus consultation — respond by 24 Nov"
    assert len(digest.brief) == 1  # developments are not in the brief


def test_build_digest_folds_two_copies_of_one_speech(profile) -> None:
    text = "I welcome the investment in Birmingham buses and the new routes " * 5
    when = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    copies = [scored(url=url(f"speech-{n}"), title=f"Buses {n}", kind=DocumentKind.DEBATE,
                     body_text=text + n, published_at=when, source=n,
                     metadata={"speaker": "Sam Member"}, themes=BUS)
              for n in ("parlparse", "hansard")]
    digest = build_digest(copies, profile, DAY, now=NOW)
    items = [i for s in digest.sections for g in s.groups for i in g.items]
    assert len(items) == 1 and len(items[0].related) == 1


def test_build_digest_marks_a_later_document_of_an_earlier_story_as_follow_up(profile) -> None:
    earlier = scored(url=url("earlier"), title="First report", themes=BUS)
    later = scored(url=url("later"), title="Second report", themes=BUS,
                   insight={"cluster_id": earlier.document.id})
    item = build_digest([later], profile, DAY, now=NOW).sections[0].groups[0].items[0]
    assert item.follow_up and item.title == "Second report"
    both = build_digest([earlier, later.model_copy()], profile, DAY, now=NOW)
    assert not any(i.follow_up for s in both.sections for g in s.groups for i in g.items)

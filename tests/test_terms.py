"""The bilingual term list: pairs mined from profiles with both bios, reviewed by
curators (accept as mined or edited, reject, remove; audited), and read by search and
need matching at once: ``giảm phát thải`` finds an English bio about "emission
reduction" once that pair is accepted, never above the profiles with the words typed."""
import json

from conftest import post_form
from werkzeug.datastructures import MultiDict

from expertnet import search
from expertnet.core import access
from expertnet.core.access import CURATOR
from expertnet.core.models import Audit
from expertnet.curation import term_suggestions
from expertnet.directory import finder
from expertnet.outreach import matching
from expertnet.outreach import needs as records
from expertnet.taxonomy import store as catalog
from expertnet.taxonomy import terms
from expertnet.taxonomy.models import TermPair

# Profiles with both bios: three speak of emission reduction, in their own sentences.
BILINGUAL = [
    ("Trần Minh Khoa", "Tư vấn giảm phát thải cho cảng Lạch Huyện. Giảng dạy tại trường.",
     "Advises Lach Huyen port on emission reduction. Teaches at the university."),
    ("Lê Thị Hồng", "Dự án giảm phát thải của nhà máy xi măng.",
     "Led an emission reduction project at a cement plant."),
    ("Ngô Quang Vinh", "Nghiên cứu giảm phát thải trong vận tải biển từ năm 2015.",
     "Research on emission reduction in shipping since 2015."),
    ("Phạm Văn Đông", "Thiết kế cầu cảng và đê chắn sóng.", "Designs wharves and breakwaters."),
    ("Vũ Thị Mai", "Kế toán doanh nghiệp vừa và nhỏ.", "Accounting for small businesses."),
    ("Đặng Hữu Phước", "Lập trình nhúng cho thiết bị y tế.", "Embedded software for medical devices."),
    ("Bùi Thanh Hà", "Quản trị chuỗi cung ứng lạnh.", "Manages cold supply chains."),
    ("Hoàng Anh Tuấn", "Dạy tiếng Nhật cho kỹ sư.", "Teaches Japanese to engineers."),
    ("Đỗ Minh Châu", "Kiểm toán năng lượng tòa nhà.", "Energy audits of buildings."),
    ("Lý Thu Trang", "Nuôi trồng thủy sản ven biển.", "Coastal aquaculture."),
]


def find(q, **params):
    return finder.find(finder.parse_criteria(MultiDict({"q": q, **params})), viewer=CURATOR)


def names(found):
    return [expert.full_name for expert in found.experts]


def bilingual(add):
    return [add(full_name=name, bio_vi=bio_vi, bio_en=bio_en) for name, bio_vi, bio_en in BILINGUAL]


def suggested_pair(vi="giảm phát thải", en="emission reduction"):
    return TermPair.create(vi=vi, en=en, key=terms.key_of(vi, en), status="suggested",
                           source="mined", score=0.9)


def test_mining_suggests_the_pair_with_two_example_profiles_once(app, add):
    experts = bilingual(add)
    assert term_suggestions.suggest() >= 1
    pair = TermPair.get(TermPair.key == terms.key_of("giảm phát thải", "emission reduction"))
    assert (pair.status, pair.source, pair.score) == ("suggested", "mined", 1.0)
    assert pair.examples == [experts[0].id, experts[1].id]
    # Pieces of the term are not suggested besides it.
    mined = {(row.vi, row.en) for row in TermPair.select()}
    assert ("phát thải", "emission reduction") not in mined
    assert ("giảm phát thải", "emission") not in mined
    sentences = term_suggestions.example_sentences(pair)
    assert [(expert.id, vi, en) for expert, vi, en in sentences][0] == (
        experts[0].id, "Tư vấn giảm phát thải cho cảng Lạch Huyện.",
        "Advises Lach Huyen port on emission reduction.")
    # Deterministic and never twice: a second run adds nothing.
    assert term_suggestions.suggest() == 0


def test_a_rejected_or_removed_pair_is_never_suggested_again(app, add):
    bilingual(add)
    term_suggestions.suggest()
    pair = TermPair.get(TermPair.key == terms.key_of("giảm phát thải", "emission reduction"))
    terms.reject(pair, actor_id=None)
    term_suggestions.suggest()
    assert TermPair.get_by_id(pair.id).status == "rejected"
    assert TermPair.select().where(TermPair.vi == "giảm phát thải").count() == 1


def test_the_taxonomy_seeds_accepted_pairs_and_keeps_the_curators_decisions(app):
    taxonomy = catalog.load()
    added = terms.seed_from_taxonomy(taxonomy)
    field = taxonomy.fields["ai"]
    pair = TermPair.get(TermPair.key == terms.key_of(field.name_vi, field.name_en))
    assert (pair.status, pair.source) == ("accepted", "taxonomy") and added > 10
    terms.remove(pair, actor_id=None)
    assert terms.seed_from_taxonomy(taxonomy) == 0
    assert TermPair.get_by_id(pair.id).status == "removed"
    assert (field.name_vi, field.name_en) not in terms.accepted_pairs()


def test_giam_phat_thai_finds_the_english_bio_once_the_pair_is_accepted(app, add):
    add(full_name="Sarah Miller", kind="foreign", country="GB",
        bio_en="Fifteen years of emission reduction work for container terminals.")
    add(full_name="Nguyễn Thị Lan", bio_vi="Chuyên gia giảm phát thải cho ngành thép.")
    add(full_name="John Carter", kind="foreign", country="US", bio_en="Port emission monitoring.")
    assert names(find("giảm phát thải")) == ["Nguyễn Thị Lan"]
    assert names(find("emission reduction")) == ["Sarah Miller"]
    pair = suggested_pair()
    terms.accept(pair, actor_id=None)
    # At once, without a restart; the words typed rank first; a lone "emission" is not enough.
    assert names(find("giảm phát thải")) == ["Nguyễn Thị Lan", "Sarah Miller"]
    assert names(find("giam phat thai")) == ["Nguyễn Thị Lan", "Sarah Miller"]
    assert names(find("emission reduction")) == ["Sarah Miller", "Nguyễn Thị Lan"]
    found = find("giảm phát thải")
    assert "<mark>emission</mark>" in found.highlights[found.experts[1].id]
    # Another tone is another word: "giảm phát thái" is not the term.
    assert "Sarah Miller" not in names(find("giảm phát thái"))
    terms.remove(TermPair.get_by_id(pair.id), actor_id=None)
    assert names(find("giảm phát thải")) == ["Nguyễn Thị Lan"]


def test_the_engine_ranks_translated_words_as_whoosh_does(app, add):
    add(full_name="Sarah Miller", bio_en="Emission reduction for container terminals.")
    add(full_name="Nguyễn Thị Lan", bio_vi="Giảm phát thải cho ngành thép.")
    add(full_name="Trần Văn Hải", bio_vi="Giảm chi phí logistics.", bio_en="Reduction of costs.")
    terms.accept(suggested_pair(), actor_id=None)
    vocabulary = finder.search_vocabulary(catalog.load(), terms.accepted_pairs())
    store = search.get_store()
    for text in ("giảm phát thải", "emission reduction", "giảm phát thải ngành thép",
                 "giam phat thai"):
        request = search.SearchRequest(text=text, vocabulary=vocabulary,
                                       visibility=("public", "officials", "curators"))
        fast, slow = search.search(store, request), search.search_reference(store, request)
        assert (fast.total, fast.ids) == (slow.total, slow.ids), text


def test_a_need_in_vietnamese_proposes_the_english_bio_once_the_pair_is_accepted(app, add, official):
    expert = add(full_name="Sarah Miller", kind="foreign", country="GB",
                 bio_en="Emission reduction programmes for seaports and shipping lines.")
    need = records.save({"title": "Giảm phát thải tại cảng", "organization": "Sở Xây dựng",
                         "description": "Cần lộ trình giảm phát thải.", "shared": True},
                        owner=official)
    viewer = access.viewer_for(official)
    assert expert not in matching.propose(need, viewer).experts
    terms.accept(suggested_pair(), actor_id=None)
    assert expert in matching.propose(need, viewer).experts


def _audits(action):
    return [json.loads(row.changes) for row in Audit.select().where(Audit.action == action)]


def test_the_curators_review_flow_in_both_languages_is_audited(app, client, add, make_user,
                                                              login):
    bilingual(add)
    add(full_name="Sarah Miller", bio_en="Emission cuts and emission reduction at sea.")
    term_suggestions.suggest()
    other = suggested_pair("kiểm toán năng lượng", "energy audit")
    curator = make_user("curator")
    login(curator)
    client.set_cookie("lang", "vi")
    page = client.get("/curate/terms").get_data(as_text=True)
    assert "Cặp thuật ngữ được gợi ý" in page and "giảm phát thải" in page
    assert "Tư vấn giảm phát thải cho cảng Lạch Huyện." in page
    client.set_cookie("lang", "en")
    page = client.get("/curate/terms").get_data(as_text=True)
    assert "Suggested pairs" in page and "Advises Lach Huyen port on emission reduction." in page
    pair = TermPair.get(TermPair.key == terms.key_of("giảm phát thải", "emission reduction"))
    assert "Sarah Miller" not in names(find("cắt giảm phát thải"))
    # Accept as edited: the curator writes the fuller Vietnamese term.
    response = post_form(client, "/curate/terms/decide", {
        "pair_id": pair.id, "accept": "1", "vi": "cắt giảm phát thải",
        "en": "emission reduction"}, form_path="/curate/terms")
    assert response.status_code == 302 and "done=accept" in response.location
    pair = TermPair.get_by_id(pair.id)
    assert (pair.status, pair.vi, pair.reviewed_by) == ("accepted", "cắt giảm phát thải", curator.id)
    assert _audits("terms.accept") == [{
        "pair": pair.id, "terms": ["giảm phát thải", "emission reduction"],
        "status": ["suggested", "accepted"], "vi": ["giảm phát thải", "cắt giảm phát thải"]}]
    assert "Sarah Miller" in names(find("cắt giảm phát thải"))
    page = client.get("/curate/terms?done=accept").get_data(as_text=True)
    assert "search uses it from now on" in page
    # A decision already taken is not taken twice; an edit onto a listed pair is refused.
    response = post_form(client, "/curate/terms/decide", {"pair_id": pair.id, "reject": "1"},
                         form_path="/curate/terms")
    assert response.status_code == 409
    response = post_form(client, "/curate/terms/decide", {
        "pair_id": other.id, "accept": "1", "vi": "Cắt giảm phát thải",
        "en": "Emission Reduction"}, form_path="/curate/terms")
    assert "error=taken" in response.location
    assert TermPair.get_by_id(other.id).status == "suggested"
    response = post_form(client, "/curate/terms/decide", {"pair_id": other.id, "reject": "1"},
                         form_path="/curate/terms")
    assert response.status_code == 302
    assert _audits("terms.reject")[0]["status"] == ["suggested", "rejected"]
    assert "energy audit" not in client.get("/curate/terms").get_data(as_text=True)
    # Remove the accepted pair: search forgets it at once.
    response = post_form(client, "/curate/terms/decide", {"pair_id": pair.id, "remove": "1"},
                         form_path="/curate/terms")
    assert response.status_code == 302
    assert _audits("terms.remove")[0] == {"pair": pair.id,
                                          "terms": ["cắt giảm phát thải", "emission reduction"],
                                          "status": ["accepted", "removed"]}
    assert "Sarah Miller" not in names(find("cắt giảm phát thải"))
    # No pair, two decisions at once: refused.
    assert post_form(client, "/curate/terms/decide", {"pair_id": 999_999, "accept": "1"},
                     form_path="/curate/terms").status_code == 404
    assert post_form(client, "/curate/terms/decide", {"pair_id": pair.id, "accept": "1", "reject": "1"},
                     form_path="/curate/terms").status_code == 400


def test_only_curators_and_admins_open_the_term_list(app, make_user):
    from conftest import client_as
    suggested_pair()
    for role, status in (("official", 403), ("expert", 403), ("curator", 200), ("admin", 200)):
        assert client_as(app, make_user(role)).get("/curate/terms").status_code == status, role
    assert app.test_client().get("/curate/terms").status_code == 302


def test_the_command_seeds_and_suggests(app, add, runner):
    bilingual(add)
    result = runner.invoke(args=["suggest-terms"])
    assert result.exit_code == 0, result.output
    assert "new suggestions to review" in result.output
    assert TermPair.select().where(TermPair.status == "suggested").count() >= 1
    assert TermPair.select().where(TermPair.source == "taxonomy").count() > 10
    assert _audits("terms.suggest")[0]["limit"] == 5000


def test_function_words_of_a_translation_are_not_required(app, add):
    add(full_name="Sarah Miller", bio_en="Seaports and inland waterways; maritime law.")
    terms.accept(suggested_pair("cảng biển và hàng hải", "seaports and maritime"), actor_id=None)
    # The field is not applied (the chip removed): the words themselves find her.
    found = find("cảng biển và hàng hải", ignore="field:seaports")
    assert names(found) == ["Sarah Miller"]
    snippet = found.highlights[found.experts[0].id]
    assert "<mark>maritime</mark>" in snippet and "<mark>and</mark>" not in snippet

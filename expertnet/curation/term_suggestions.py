"""Suggestions for the bilingual term list, mined from the profiles that have both bios
(``taxonomy.terms`` keeps the list and mines the phrases; this module reads the profiles),
and the sentences of the example profiles the curators see beside a suggestion."""
from expertnet.directory.models import Expert
from expertnet.taxonomy import terms


def suggest(limit=terms.MINE_PROFILES):
    """Mine the profiles with both bios (the first ``limit`` by id) and store the new
    suggestions (pairs already listed, whatever their status, are skipped). Returns
    the number stored."""
    profiles = (Expert.select(Expert.id, Expert.bio_vi, Expert.bio_en)
                .where((Expert.bio_vi != "") & (Expert.bio_en != ""))
                .order_by(Expert.id).limit(limit).tuples())
    rows = {}
    for vi, en, score, examples in terms.mine(profiles):
        key = terms.key_of(vi, en)
        rows.setdefault(key, {"vi": vi[:terms.MAX_TERM], "en": en[:terms.MAX_TERM], "key": key,
                              "status": "suggested", "source": "mined", "score": score,
                              "examples": examples})
    return terms.insert_new(rows)


def example_sentences(pair):
    """For each example profile still there: ``(expert, Vietnamese sentence, English
    sentence)``, the sentences of its bios holding each side of the pair."""
    experts = {expert.id: expert for expert in
               Expert.select().where(Expert.id.in_(list(pair.examples or [])))}
    found = []
    for expert_id in pair.examples or []:
        expert = experts.get(expert_id)
        if expert is not None:
            found.append((expert, _sentence(expert.bio_vi, pair.vi),
                          _sentence(expert.bio_en, pair.en)))
    return found


def _sentence(text, term):
    for sentence in terms.SENTENCE.split(text or ""):
        if term.lower() in sentence.lower():
            return sentence.strip()
    return ""

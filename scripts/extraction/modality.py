"""Modality: whether a trigger reports something that happened. Negation, modals, infinitives, habits,
hypotheticals, intentions (plans, threats, attempts, denials, fears) and questions, read off the
dependency relations around the trigger with the rules of seeds/reference/extraction/modality.yml."""

from __future__ import annotations

from spacy.tokens import Token

# Relations that stay inside the trigger's own clause (a negation or modal there is the trigger's).
SAME_CLAUSE = {"xcomp", "dobj", "pobj", "prep", "acomp", "attr", "compound", "amod", "nsubj", "nsubjpass", "pcomp"}


class Modality:
    """Decides, for a trigger's head token, whether its event is only said not to, might or will happen."""

    def __init__(self, data: dict):
        self.max_climb = int(data["max_climb"])
        self.climb = set(data["climb"])
        self.stop_at = set(data["stop_at"])
        self.climb_preps = set(data["climb_preps"])
        self.rules = list(data["rules"])

    def heads(self, token: Token) -> list[tuple[Token, bool]]:
        """The token and the heads it hangs from through `climb` relations: (token, in the same clause)."""
        found = [(token, True)]
        same = True
        for _ in range(self.max_climb):
            if token.head.i == token.i or token.dep_ not in self.climb or token.lemma_.lower() in self.stop_at:
                break
            if token.dep_ == "prep" and token.lemma_.lower() not in self.climb_preps:
                break
            same = same and token.dep_ in SAME_CLAUSE
            token = token.head
            found.append((token, same))
        return found

    def _fires(self, rule: dict, token: Token, is_trigger: bool) -> bool:
        children = list(token.children)
        if rule.get("dependency") and any(c.dep_ == rule["dependency"] for c in children):
            return True
        if rule.get("det_lemmas") and any(c.dep_ == "det" and c.lemma_.lower() in rule["det_lemmas"] for c in children):
            return True
        if rule.get("advmod_lemmas") and any(c.dep_ == "advmod" and c.lemma_.lower() in rule["advmod_lemmas"]
                                             for c in children):
            return True
        if rule.get("aux_lemmas") and any(c.dep_ == "aux" and c.lemma_.lower() in rule["aux_lemmas"] for c in children):
            return True
        if rule.get("acl_participle_lemmas") and is_trigger and token.tag_ == "VBG" and token.dep_ == "acl" \
                and token.lemma_.lower() in rule["acl_participle_lemmas"]:
            return True
        infinitive = token.pos_ == "VERB" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in children)
        if rule.get("infinitive") and is_trigger and infinitive:
            return token.head.lemma_.lower() not in set(rule.get("except_heads") or ())
        if rule.get("mark_lemmas") and any(c.dep_ == "mark" and c.lemma_.lower() in rule["mark_lemmas"] for c in children):
            return True
        return bool(rule.get("head_lemmas")) and not is_trigger and token.lemma_.lower() in rule["head_lemmas"]

    def blocked(self, trigger: Token) -> str | None:
        """The name of the rule that says the trigger's event did not (or not yet) happen, else None."""
        sentence = trigger.doc.text.rstrip(" \"'”’)")
        heads = self.heads(trigger)
        for rule in self.rules:
            end = rule.get("sentence_ends_with")
            if end and sentence.endswith(end):
                return rule["name"]
            for step, (token, same_clause) in enumerate(heads):
                if rule.get("within") and step > int(rule["within"]):
                    break
                if (rule.get("same_clause") and not same_clause) or (rule.get("on_trigger") and token.i != trigger.i):
                    continue
                if self._fires(rule, token, token.i == trigger.i):
                    return rule["name"]
        return None

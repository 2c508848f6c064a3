"""Forms of the evaluation: conflict declarations, scores, moderation and award."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendps.competitions.criteria import CriterionKind
from opendps.competitions.forms.common import (
    SCORE_LABELS,
)
from opendps.web.form_errors import GovukForm

CHOOSE_SCORE = _("Choose a score for %(supplier)s against %(criterion)s")
GIVE_REASON = _("Give the reason for the score of %(supplier)s against %(criterion)s")
REASON_WITHOUT_SCORE = _(
    "Choose a score for %(supplier)s against %(criterion)s, or clear its reason"
)
CONSENSUS_REASON_LABEL = _("Consensus reason for %(supplier)s: %(criterion)s")
CONSENSUS_REASON_HINT = _(
    "%(supplier)s reads this reason in its feedback, as you write it. The evaluators' notes "
    "are not shared with bidders: write the reason yourself, without naming anyone."
)
CHOOSE_CONFLICT = _("Say whether you have a conflict of interest")
CONFLICT_DETAILS = _("Describe the conflict of interest")


class ConflictForm(GovukForm):
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with any of the bidders?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_CONFLICT, "invalid_choice": CHOOSE_CONFLICT},
    )
    details = forms.CharField(
        label=_("If you have a conflict, describe it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_conflict") == "yes" and not (data.get("details") or "").strip():
            self.add_error("details", CONFLICT_DETAILS)
        return data


class ScoresForm(GovukForm):
    """A score (0–4) and a reason for each compliant tender against each scored criterion.

    One form for an evaluator's scoresheet and for the moderator's consensus: ``complete``
    asks for every score and reason (submitting a sheet, recording the consensus);
    ``consensus`` labels each reason as the text its bidder reads in its feedback.
    """

    def __init__(
        self,
        *args: Any,
        tenders: list[Any],
        criteria: list[dict[str, Any]],
        complete: bool = False,
        consensus: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.cells: list[dict[str, Any]] = []
        choices = [(str(score), label) for score, label in SCORE_LABELS.items()]
        for tender in tenders:
            submission = tender.submission
            for criterion in criteria:
                if criterion["kind"] == CriterionKind.PRICE:
                    continue
                score_name = f"score_{submission.pk}_{criterion['key']}"
                reason_name = f"reason_{submission.pk}_{criterion['key']}"
                self.fields[score_name] = forms.ChoiceField(
                    label=_("Score"), choices=choices, widget=forms.RadioSelect, required=False
                )
                names = {"supplier": submission.supplier.name, "criterion": criterion["name"]}
                self.fields[reason_name] = forms.CharField(
                    label=(
                        CONSENSUS_REASON_LABEL
                        if consensus
                        else _("Reason for the score of %(supplier)s: %(criterion)s")
                    )
                    % names,
                    help_text=CONSENSUS_REASON_HINT % names if consensus else "",
                    widget=forms.Textarea(attrs={"rows": 3}),
                    max_length=10_000,
                    required=False,
                )
                self.cells.append(
                    {
                        "submission_id": submission.pk,
                        "supplier": submission.supplier.name,
                        "criterion": criterion,
                        "answer": tender.answers.get(criterion["key"], ""),
                        "score": score_name,
                        "reason": reason_name,
                    }
                )

    @staticmethod
    def initial_from(scores: Mapping[str, Any]) -> dict[str, Any]:
        initial = {}
        for submission_id, by_criterion in scores.items():
            for key, item in by_criterion.items():
                if item.get("score") is not None:
                    initial[f"score_{submission_id}_{key}"] = str(item["score"])
                initial[f"reason_{submission_id}_{key}"] = item.get("reason", "")
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for cell in self.cells:
            names = {"supplier": cell["supplier"], "criterion": cell["criterion"]["name"]}
            score = data.get(cell["score"])
            reason = (data.get(cell["reason"]) or "").strip()
            if self.complete and not score:
                self.add_error(cell["score"], CHOOSE_SCORE % names)
            elif self.complete and not reason:
                self.add_error(cell["reason"], GIVE_REASON % names)
            elif reason and not score:
                self.add_error(cell["score"], REASON_WITHOUT_SCORE % names)
        return data

    def scores(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{submission id: {criterion key: {"score", "reason"}}} for the cells scored."""
        result: dict[str, dict[str, dict[str, Any]]] = {}
        for cell in self.cells:
            score = self.cleaned_data.get(cell["score"])
            if not score:
                continue
            result.setdefault(str(cell["submission_id"]), {})[cell["criterion"]["key"]] = {
                "score": int(score),
                "reason": self.cleaned_data.get(cell["reason"], ""),
            }
        return result


class AwardForm(GovukForm):
    voluntary_standstill = forms.BooleanField(
        label=_("Hold a voluntary standstill period before entering into the contract"),
        required=False,
    )

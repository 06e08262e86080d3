"""The prosecution-ready PDF brief (reportlab, no Qt).

    result = build_brief(case, "brief.pdf")                 # redacted: Victim-1, Victim-2 ...
    build_brief(case, "sealed.pdf", redact=False)            # UNREDACTED - FILE UNDER SEAL
    set_narrative(case, "In March 2024 ...")                 # the analyst's own summary text

Sections: cover, contents, summary (facts + narrative), subject profiles, link chart,
timeline, findings, exhibit list, chain of custody, audit appendix, certification. Every
page carries the handling marking, page X of Y and a Bates number. See DOMAIN.md section 6.
"""

from analyst_app.brief.build import BriefCancelled, BriefError, BriefResult, build_brief
from analyst_app.brief.narrative import narrative, set_narrative

__all__ = [
    "BriefCancelled",
    "BriefError",
    "BriefResult",
    "build_brief",
    "narrative",
    "set_narrative",
]

"""The payouts feature's registration (docs/ARCHITECTURE.md): pages, the menu entry, the project panel."""

from crm.core.features import Feature, NavEntry, ProjectSection
from crm.core.i18n import N_
from crm.core.permissions import Action, can
from crm.domain import PayoutKind, PayoutState
from crm.payouts import documents
from crm.payouts.page import section_context
from crm.payouts.routes import bp

feature = Feature(
    name="payouts", blueprints=(bp,),
    nav=(NavEntry("payouts.ledger", N_("奖励兑现"), 50, lambda user: can(user, Action.READ, getattr(user, "unit_id", None))),),
    project_sections=(ProjectSection("payouts/_project_panel.html", section_context, 45),),
    template_globals={"payout_states": PayoutState.labels(), "payout_kinds": PayoutKind.labels(),
                      "may_see_payout_waiting": lambda user: can(user, Action.PAY_PAYOUT),
                      "may_manage_reward_policies": lambda user: can(user, Action.MANAGE)},
    setup=lambda app: documents.register(),  # a payout's approval forms and vouchers (crm/attachments)
)

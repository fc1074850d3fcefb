from . import res_company
from . import account_move
from . import res_partner_reminder

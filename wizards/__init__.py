from . import tilbago_requisition_wizard_claim
from . import tilbago_requisition_wizard_debtor
from . import tilbago_requisition_wizard_request
from . import tilbago_requisition_wizard
from . import tilbago_attach_document
from . import tilbago_case_write_off
from . import tilbago_case_set_stage

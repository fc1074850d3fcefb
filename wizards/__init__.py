from . import tilbago_requisition_wizard
from . import tilbago_attach_document
from . import tilbago_case_set_stage

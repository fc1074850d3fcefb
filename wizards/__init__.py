from . import tilbago_requisition_wizard

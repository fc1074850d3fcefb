from . import test_partner
from . import test_security
from . import test_settings
from . import test_case_sending
from . import test_wizard_requisition
from . import test_reminder
from . import test_tour
from . import test_case_documents

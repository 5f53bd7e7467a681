import sys

from jeugdhulp_common.service import main
from webhooks.service import definition

sys.exit(main(definition))

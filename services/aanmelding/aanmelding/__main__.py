import sys

from jeugdhulp_common.service import main
from aanmelding.service import definition

sys.exit(main(definition))

import sys

from jeugdhulp_common.service import main
from signalering.service import definition

sys.exit(main(definition))

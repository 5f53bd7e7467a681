import sys

from jeugdhulp_common.service import main
from traject.service import definition

sys.exit(main(definition))

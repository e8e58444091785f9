import sys

from evidencelint.entry import main

# `python -m evidencelint` runs this file as the program; runpy.run_module from another
# program (sys.argv[0] is then that program's) must get its SystemExit back.
raise SystemExit(main(exit_now=sys.argv[0] == __file__))

from evidencelint.cli import main

raise SystemExit(main())

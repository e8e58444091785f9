from evidencelint.entry import main

raise SystemExit(main())

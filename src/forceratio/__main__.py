from forceratio.cli import main

main()

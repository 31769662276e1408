from cyplan.cli import main

main()

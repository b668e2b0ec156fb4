from csi_cli.cli import main

main()

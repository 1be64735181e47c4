import ConnectorKit

// The whole program: the SDK reads argv, negotiates, runs the command and exits with its status.
await ConnectorMain.run(InventoryConnector())

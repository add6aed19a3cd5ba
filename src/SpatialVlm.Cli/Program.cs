using SpatialVlm.Cli;

return CliRunner.Run(CommandTree.Build(), args);

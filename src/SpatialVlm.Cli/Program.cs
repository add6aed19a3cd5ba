using SpatialVlm.Cli;
using SpatialVlm.Perception.Models;

// The model store is resolved once, here, from SPATIALVLM_HOME; commands are handed it.
return CliRunner.Run(CommandTree.Build(ModelStore.FromEnvironment(), Environment.GetEnvironmentVariable("PATH")), args);

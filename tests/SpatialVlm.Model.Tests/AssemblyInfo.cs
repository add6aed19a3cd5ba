// Torch's thread count is process-wide and the machine's cores are shared: run the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

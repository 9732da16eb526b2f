using Energy.Contracts.Sites;

namespace Energy.Scheduler.Policy;

/// <summary>The site as the planner and controller see it now (the site file's, the policy in force), and that policy's version.</summary>
public sealed record PolicyInForce(Site Site, PolicyVersion Version);

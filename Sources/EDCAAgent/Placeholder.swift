enum EDCAAgentPlaceholder {}

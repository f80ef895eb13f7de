enum EDCAProbePlaceholder {}
